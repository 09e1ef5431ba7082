import type { InvitationRole } from "@/db/schema";
import type { Locale } from "@/lib/i18n/config";
import { namespaceTranslator, type Translate } from "@/lib/i18n/translator";
import en from "@/messages/en/mail.json";
import ru from "@/messages/ru/mail.json";
import { UNSUBSCRIBE_LINK_SLOT } from "./unsubscribe";

/*
 * E-mails in words: the render step between an action and the outbox (./outbox.ts). Templates
 * live in messages/<locale>/mail.json (ICU MessageFormat: plurals, selects), rendered with
 * next-intl's createTranslator in the recipient's language; the outbox stores the rendered
 * subject and text as before. A new language adds a messages file and one line below.
 */

const MAIL_MESSAGES = { en, ru } satisfies Record<Locale, object>;

/** A rendered message, ready for queueEmail. */
export interface RenderedEmail {
  subject: string;
  text: string;
}

/**
 * The translator of the `mail` namespace in `locale` (unknown locales fall back to their
 * language, then English).
 * @param opts.messages replace the messages; opts.strict throw on a missing key (tests)
 */
export function mailTranslator(locale: string, opts: { messages?: object; strict?: boolean } = {}): Translate {
  return namespaceTranslator("mail", MAIL_MESSAGES, locale, opts);
}

/**
 * An invitation e-mail: "You are invited to Shop on Merchant Insights" with the role, the link
 * and how long it stays valid.
 *
 * @param v.merchantName null for a relationship manager's invitation (no merchant)
 * @param v.days         days the link stays valid (ICU plural)
 */
export function renderInvitationEmail(
  v: { merchantName: string | null; role: InvitationRole; link: string; days: number },
  locale: string,
  t: Translate = mailTranslator(locale),
): RenderedEmail {
  const values = { hasMerchant: v.merchantName ? "yes" : "no", merchant: v.merchantName ?? "", role: v.role, link: v.link, days: v.days };
  return { subject: t("invitation.subject", values), text: t("invitation.body", values) };
}

/** One finding of a digest, already in words (lib/findings/render.ts). */
export interface DigestItem {
  merchantName: string;
  headline: string;
  explanation: string;
  /** The full link to the chart behind it. */
  url: string;
}

/**
 * The weekly findings digest: to one merchant's user ("Your week: 3 findings for Shop") or to a
 * portfolio ("Your portfolio this week: …"), the top findings numbered with their explanation and
 * link, or "nothing unusual".
 *
 * @param v.merchantName the one merchant of a single-merchant digest; null for a portfolio
 * @param v.date         the as-of day, already formatted for the locale
 * @param v.dashboardUrl where the footer points
 */
export function renderDigestEmail(
  v: { merchantName: string | null; date: string; items: readonly DigestItem[]; dashboardUrl: string },
  locale: string,
  t: Translate = mailTranslator(locale),
): RenderedEmail {
  const single = v.merchantName !== null;
  const count = v.items.length;
  const subject = single ? t("digest.subject", { count, merchant: v.merchantName! }) : t("digest.portfolioSubject", { count });
  const lines = [t("digest.greeting"), "", single ? t("digest.intro", { merchant: v.merchantName!, date: v.date }) : t("digest.portfolioIntro", { date: v.date }), ""];
  if (count === 0) lines.push(t("digest.none"));
  v.items.forEach((item, i) => {
    const head = single
      ? t("digest.item", { index: i + 1, headline: item.headline })
      : t("digest.portfolioItem", { index: i + 1, merchant: item.merchantName, headline: item.headline });
    lines.push(head, `   ${item.explanation}`, `   ${item.url}`, "");
  });
  lines.push(t("digest.footer", { url: v.dashboardUrl }), "", t("digest.unsubscribe", { url: UNSUBSCRIBE_LINK_SLOT }));
  return { subject, text: lines.join("\n") };
}

/**
 * An alert: the new significant findings of one merchant's findings run, numbered with their
 * explanation and link; the footer says why the user gets it and carries the one-click
 * unsubscribe link's slot (filled at delivery, ./unsubscribe.ts).
 *
 * @param v.items        at least one finding, already in words (lib/findings/render.ts)
 * @param v.date         the run's as-of day, formatted for the locale
 * @param v.findingsUrl  the merchant's findings page; v.settingsUrl the alert preferences page
 * @throws Error when `items` is empty
 */
export function renderAlertEmail(
  v: { merchantName: string; date: string; items: readonly DigestItem[]; findingsUrl: string; settingsUrl: string },
  locale: string,
  t: Translate = mailTranslator(locale),
): RenderedEmail {
  if (v.items.length === 0) throw new Error("renderAlertEmail: no findings");
  const count = v.items.length;
  const subject = t("alert.subject", { count, merchant: v.merchantName, headline: v.items[0].headline });
  const lines = [t("alert.greeting"), "", t("alert.intro", { count, merchant: v.merchantName, date: v.date }), ""];
  v.items.forEach((item, i) => lines.push(t("alert.item", { index: i + 1, headline: item.headline }), `   ${item.explanation}`, `   ${item.url}`, ""));
  lines.push(t("alert.footer", { url: v.findingsUrl }), "", t("alert.why", { merchant: v.merchantName, settings: v.settingsUrl }), t("alert.unsubscribe", { url: UNSUBSCRIBE_LINK_SLOT }));
  return { subject, text: lines.join("\n") };
}


/** An offer's result in a "results ready" e-mail: money already formatted for the reader. */
export interface OfferResultItem {
  offerName: string;
  revenue: string;
  lower: string;
  upper: string;
  /** The ROI as formatted, or null when the offer cost nothing. */
  roi: string | null;
  url: string;
}

/**
 * "Results ready" (issue 16): an offer's measured incremental revenue with its 95 % interval and
 * ROI, the link to its results page; the footer says why the user gets it and carries the
 * one-click unsubscribe link's slot (the alerts list: results arrive as alerts do).
 * @param v.settingsUrl the alert preferences page
 */
export function renderOfferResultEmail(
  v: { merchantName: string; item: OfferResultItem; settingsUrl: string },
  locale: string,
  t: Translate = mailTranslator(locale),
): RenderedEmail {
  const { item } = v;
  const subject = t("offerResult.subject", { merchant: v.merchantName, offer: item.offerName });
  const lines = [
    t("alert.greeting"),
    "",
    t("offerResult.intro", { merchant: v.merchantName, offer: item.offerName }),
    "",
    t("offerResult.revenue", { revenue: item.revenue, lower: item.lower, upper: item.upper }),
    item.roi === null ? t("offerResult.noCost") : t("offerResult.roi", { roi: item.roi }),
    "",
    t("offerResult.footer", { url: item.url }),
    "",
    t("alert.why", { merchant: v.merchantName, settings: v.settingsUrl }),
    t("alert.unsubscribe", { url: UNSUBSCRIBE_LINK_SLOT }),
  ];
  return { subject, text: lines.join("\n") };
}
