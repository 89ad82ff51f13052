-- CreateEnum
CREATE TYPE "AttendanceKind" AS ENUM ('checked_in', 'on_leave');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "MemberRole" ADD VALUE 'probationary_party_member';
ALTER TYPE "MemberRole" ADD VALUE 'collective_member';
ALTER TYPE "MemberRole" ADD VALUE 'member_representative';
ALTER TYPE "MemberRole" ADD VALUE 'branch_committee';

-- AlterTable
ALTER TABLE "Member" ADD COLUMN     "groupName" TEXT,
ADD COLUMN     "phone" TEXT;

-- AlterTable
ALTER TABLE "Motion" ADD COLUMN     "groupName" TEXT,
ADD COLUMN     "householdRoute" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "subjectKind" TEXT NOT NULL DEFAULT 'general';

-- CreateTable
CREATE TABLE "Attendance" (
    "id" UUID NOT NULL,
    "meetingId" UUID NOT NULL,
    "memberId" UUID NOT NULL,
    "kind" "AttendanceKind" NOT NULL,
    "source" TEXT NOT NULL,
    "reason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Attendance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Proxy" (
    "id" UUID NOT NULL,
    "motionId" UUID NOT NULL,
    "grantorId" UUID NOT NULL,
    "holderId" UUID NOT NULL,
    "recordedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Proxy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BindingCode" (
    "id" UUID NOT NULL,
    "villageId" UUID NOT NULL,
    "memberId" UUID NOT NULL,
    "codeHash" CHAR(64) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BindingCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BindingFailure" (
    "id" UUID NOT NULL,
    "villageId" UUID NOT NULL,
    "platform" "ChatPlatform" NOT NULL,
    "senderId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "BindingFailure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Attendance_meetingId_memberId_key" ON "Attendance"("meetingId", "memberId");

-- CreateIndex
CREATE UNIQUE INDEX "Proxy_motionId_grantorId_key" ON "Proxy"("motionId", "grantorId");

-- CreateIndex
CREATE UNIQUE INDEX "Proxy_motionId_holderId_key" ON "Proxy"("motionId", "holderId");

-- CreateIndex
CREATE UNIQUE INDEX "BindingCode_codeHash_key" ON "BindingCode"("codeHash");

-- CreateIndex
CREATE INDEX "BindingCode_memberId_idx" ON "BindingCode"("memberId");

-- CreateIndex
CREATE INDEX "BindingFailure_villageId_platform_senderId_createdAt_idx" ON "BindingFailure"("villageId", "platform", "senderId", "createdAt");

-- AddForeignKey
ALTER TABLE "Attendance" ADD CONSTRAINT "Attendance_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attendance" ADD CONSTRAINT "Attendance_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Proxy" ADD CONSTRAINT "Proxy_motionId_fkey" FOREIGN KEY ("motionId") REFERENCES "Motion"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Proxy" ADD CONSTRAINT "Proxy_grantorId_fkey" FOREIGN KEY ("grantorId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Proxy" ADD CONSTRAINT "Proxy_holderId_fkey" FOREIGN KEY ("holderId") REFERENCES "Member"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BindingCode" ADD CONSTRAINT "BindingCode_memberId_fkey" FOREIGN KEY ("memberId") REFERENCES "Member"("id") ON DELETE CASCADE ON UPDATE CASCADE;
