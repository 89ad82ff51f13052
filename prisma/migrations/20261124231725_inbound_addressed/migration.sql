-- AlterTable
ALTER TABLE "InboundMessage" ADD COLUMN     "addressed" BOOLEAN NOT NULL DEFAULT true;
