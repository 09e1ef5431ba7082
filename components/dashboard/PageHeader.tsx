import type { ReactNode } from "react";
import type { Period } from "@/lib/days";
import { PeriodPicker } from "../PeriodPicker";
import { PageTitle } from "./PageTitle";

/** Title, one line of context, and the period picker (remounted per period so its inputs follow the URL). */
export function PageHeader({
  title,
  subtitle,
  period,
  end,
  firstDay,
  lastDay,
  children,
}: {
  title: string;
  subtitle?: string;
  period: Period;
  end: string;
  firstDay: string | null;
  lastDay: string | null;
  children?: ReactNode;
}) {
  return (
    <PageTitle
      title={title}
      subtitle={subtitle}
      aside={<PeriodPicker key={`${period.from}_${period.to}`} period={period} end={end} firstDay={firstDay} lastDay={lastDay} />}
    >
      {children}
    </PageTitle>
  );
}
