-- AlterTable
ALTER TABLE "Channel" ADD COLUMN     "settings" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "InboundMessage" ADD COLUMN     "processedAt" TIMESTAMPTZ(3),
ADD COLUMN     "replyViaEnc" TEXT;

-- AlterTable
ALTER TABLE "OutboundMessage" ADD COLUMN     "parts" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "partsSent" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "replyViaEnc" TEXT;

-- CreateIndex
CREATE INDEX "InboundMessage_processedAt_receivedAt_idx" ON "InboundMessage"("processedAt", "receivedAt");
