"use server";
/** The notification list's action: mark everything read (the signed-in user's own rows only). */
import { revalidatePath } from "next/cache";
import { withActorAction } from "@/lib/auth/access";
import { markNotificationsRead } from "@/lib/jobs/alerts";

export const markReadAction = withActorAction(async (actor): Promise<void> => {
  await markNotificationsRead(actor.userId);
  revalidatePath("/", "layout");
});
