import path from 'node:path';
import { Liquid } from 'liquidjs';
import { markdownToPlainText } from '../domain/format.ts';

export interface RenderedMessage {
  markdown: string;
  text: string;
}

export interface Templates {
  render(name: string, vars: Record<string, unknown>): Promise<RenderedMessage>;
}

export const DEFAULT_TEMPLATES_DIR = path.resolve(import.meta.dirname, '../../templates');

/** zh-CN message templates (Liquid, cached after first parse); each renders to markdown and plain text. */
export function createTemplates(dir: string = DEFAULT_TEMPLATES_DIR): Templates {
  const engine = new Liquid({ root: dir, extname: '.md', cache: true, strictVariables: true, trimTagRight: true });
  return {
    async render(name, vars) {
      const markdown = (await engine.renderFile(name, vars)).trim();
      return { markdown, text: markdownToPlainText(markdown) };
    },
  };
}
