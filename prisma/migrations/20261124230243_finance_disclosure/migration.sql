-- CreateEnum
CREATE TYPE "AccountingEntity" AS ENUM ('village_committee', 'collective');

-- CreateEnum
CREATE TYPE "DisclosureStatus" AS ENUM ('draft', 'confirmed', 'approved', 'published');

-- AlterTable
ALTER TABLE "Village" ADD COLUMN     "largeItemThresholdFen" INTEGER NOT NULL DEFAULT 500000;

-- CreateTable
CREATE TABLE "LedgerImport" (
    "id" UUID NOT NULL,
    "villageId" UUID NOT NULL,
    "entity" "AccountingEntity" NOT NULL,
    "fileHash" CHAR(64) NOT NULL,
    "format" TEXT NOT NULL,
    "encoding" TEXT,
    "periods" TEXT[],
    "rowCount" INTEGER NOT NULL,
    "importedBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LedgerImport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerEntry" (
    "id" UUID NOT NULL,
    "villageId" UUID NOT NULL,
    "entity" "AccountingEntity" NOT NULL,
    "importId" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "date" CHAR(10) NOT NULL,
    "period" CHAR(7) NOT NULL,
    "voucherNo" TEXT NOT NULL,
    "accountCode" TEXT NOT NULL,
    "accountName" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "counterparty" TEXT,

    CONSTRAINT "LedgerEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LedgerBalance" (
    "villageId" UUID NOT NULL,
    "entity" "AccountingEntity" NOT NULL,
    "period" CHAR(7) NOT NULL,
    "openingFen" BIGINT NOT NULL,
    "closingFen" BIGINT,
    "importId" UUID NOT NULL,

    CONSTRAINT "LedgerBalance_pkey" PRIMARY KEY ("villageId","entity","period")
);

-- CreateTable
CREATE TABLE "Disclosure" (
    "id" UUID NOT NULL,
    "villageId" UUID NOT NULL,
    "entity" "AccountingEntity" NOT NULL,
    "period" CHAR(7) NOT NULL,
    "status" "DisclosureStatus" NOT NULL DEFAULT 'draft',
    "snapshot" JSONB,
    "snapshotHash" CHAR(64),
    "confirmedBy" TEXT,
    "confirmedAt" TIMESTAMPTZ(3),
    "approvedBy" TEXT,
    "approvedAt" TIMESTAMPTZ(3),
    "rejectedReason" TEXT,
    "publishedBy" TEXT,
    "publishedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Disclosure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "LedgerImport_villageId_entity_fileHash_key" ON "LedgerImport"("villageId", "entity", "fileHash");

-- CreateIndex
CREATE INDEX "LedgerEntry_villageId_entity_period_idx" ON "LedgerEntry"("villageId", "entity", "period");

-- CreateIndex
CREATE UNIQUE INDEX "Disclosure_villageId_entity_period_key" ON "Disclosure"("villageId", "entity", "period");

-- AddForeignKey
ALTER TABLE "LedgerEntry" ADD CONSTRAINT "LedgerEntry_importId_fkey" FOREIGN KEY ("importId") REFERENCES "LedgerImport"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LedgerBalance" ADD CONSTRAINT "LedgerBalance_importId_fkey" FOREIGN KEY ("importId") REFERENCES "LedgerImport"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
