import { getTranslations } from "next-intl/server";
import { signOutAction } from "@/lib/auth/actions";

/** A plain form posting to the auth module's sign-out server action (works without JS). */
export async function SignOutButton() {
  const t = await getTranslations("common.user");
  return (
    <form action={signOutAction}>
      <button type="submit" className="btn" data-testid="sign-out">
        {t("signOut")}
      </button>
    </form>
  );
}
