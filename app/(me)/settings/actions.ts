"use server";
/**
 * Saving the signed-in user's notification settings (their own row only). Merchant choices are
 * limited to the merchants the user may open; kinds to the finding kinds; the digest day to 0–7.
 */
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { listAccessibleMerchants, withActorAction } from "@/lib/auth/access";
import { FINDING_KINDS, type FindingKind } from "@/lib/findings/types";
import { saveAlertPreferences } from "@/lib/jobs/alerts";
import { actionError } from "@/app/action-error";

export const saveSettingsAction = withActorAction(async (actor, formData: FormData): Promise<void> => {
  const mine = new Set((await listAccessibleMerchants(actor)).map((m) => m.id));
  const merchantIds = formData.getAll("merchant").map(Number).filter((id) => mine.has(id));
  const kinds = formData.getAll("kind").map(String).filter((k): k is FindingKind => (FINDING_KINDS as readonly string[]).includes(k));
  const weekday = Number(formData.get("digestWeekday"));
  let failed: string | null = null;
  try {
    await saveAlertPreferences(
      actor.userId,
      {
        enabled: formData.get("enabled") === "on",
        email: formData.get("email") === "on",
        portfolio: formData.get("portfolio") === "on",
        // every box ticked (or none: nothing to narrow to) = no filter, so new merchants and kinds are included
        merchantIds: formData.get("allMerchants") === "on" || merchantIds.length === 0 || merchantIds.length === mine.size ? null : merchantIds,
        kinds: formData.get("allKinds") === "on" || kinds.length === 0 || kinds.length === FINDING_KINDS.length ? null : kinds,
      },
      Number.isInteger(weekday) && weekday >= 0 && weekday <= 7 ? weekday : undefined,
    );
  } catch (err) {
    failed = actionError(err, "settings.save").message;
  }
  revalidatePath("/settings");
  redirect(failed ? `/settings?error=${encodeURIComponent(failed)}` : "/settings?saved=1");
});
