-- AlterTable
ALTER TABLE "Meeting" ADD COLUMN     "reminderSentAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Village" ADD COLUMN     "reminderLeadMinutes" INTEGER NOT NULL DEFAULT 60;
