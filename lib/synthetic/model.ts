/**
 * Parameters of the synthetic bank's generative model, in one place. docs/synthetic-bank.md
 * explains each one; truths.json records them as used. Units: rates in purchases per day,
 * money in RUB (turned into kopecks, the minor unit, when amounts are drawn), days as window
 * day indices (0 = first day of the window).
 */

/** A city where the bank has merchants and customers. */
export interface CityParams {
  /** Short code used in merchant slugs, e.g. 'msk'. */
  code: string;
  city: string;
  /** The city's name in Russian, as the merchant's name carries it ("Свежий ряд, Москва"). */
  cityName: string;
  /** Region name as it appears in both the merchants and the customers CSV. */
  region: string;
  /** IANA time zone of the city's merchants. */
  timeZone: string;
  /** Share of bank customers living in the region. */
  customerShare: number;
}

export const CITIES: readonly CityParams[] = [
  { code: "msk", cityName: "Москва", city: "Moscow", region: "Moscow", timeZone: "Europe/Moscow", customerShare: 0.4 },
  { code: "spb", cityName: "Санкт-Петербург", city: "Saint Petersburg", region: "Saint Petersburg", timeZone: "Europe/Moscow", customerShare: 0.22 },
  { code: "kzn", cityName: "Казань", city: "Kazan", region: "Republic of Tatarstan", timeZone: "Europe/Moscow", customerShare: 0.14 },
  { code: "ekb", cityName: "Екатеринбург", city: "Yekaterinburg", region: "Sverdlovsk Oblast", timeZone: "Asia/Yekaterinburg", customerShare: 0.13 },
  { code: "nsk", cityName: "Новосибирск", city: "Novosibirsk", region: "Novosibirsk Oblast", timeZone: "Asia/Novosibirsk", customerShare: 0.11 },
];

/** Log-odds shifts of a customer trait on adopting an MCC (added to logit(base)). */
export interface AdoptionEffects {
  female?: number;
  /** age < 35 */
  young?: number;
  /** age >= 60 */
  senior?: number;
  premium?: number;
  single?: number;
}

/** One special period of the year with a multiplier on the purchase intensity. */
export interface SpecialDays {
  /** 1..12 */
  month: number;
  /** First and last day of month, inclusive. */
  from: number;
  to: number;
  factor: number;
  label: string;
}

/** Everything the generator needs to know about one merchant category. */
export interface MccParams {
  mcc: string;
  label: string;
  /** Word used in slugs, e.g. 'grocery' in 'msk-grocery-1'. */
  slugWord: string;
  /** Base probability that a customer of the reference group (male, 35..59, not premium, not single) shops in the MCC. */
  adoption: number;
  adoptionEffects: AdoptionEffects;
  /** BG/NBD purchase-rate heterogeneity before calibration: λ0 ~ Gamma(shape r, rate α), per day. */
  r: number;
  alpha: number;
  /** BG/NBD dropout heterogeneity: u ~ Beta(a, b); the dropout probability p adds the churn drivers to logit(u). */
  a: number;
  b: number;
  /** Day-of-week multipliers Monday..Sunday (normalised to mean 1). */
  weekly: number[];
  /** Month multipliers January..December (normalised to mean 1). */
  monthly: number[];
  specialDays: SpecialDays[];
  /** Relative hour-of-day weights 0..23 of in-store (offline) purchases, local time. */
  hourly: number[];
  /** Share of purchases made online at an average merchant by an average customer. */
  onlineShare: number;
  /** Probability that a purchase is (partly) refunded later. */
  refundRate: number;
  /** Range of merchants' median check in RUB; each merchant draws log-uniformly inside it. */
  medianCheckRub: [number, number];
  /** Log-scale standard deviation of one customer's checks around his mean at a merchant. */
  checkSigma: number;
  /** Eight fictional brand names, in Russian as a Russian shop's sign reads, one per merchant of a city. */
  brands: string[];
}

const MALL_HOURS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0.2, 1, 1.6, 2, 2.2, 2.3, 2.4, 2.5, 2.7, 2.9, 2.8, 2.2, 1.4, 0.4, 0];

export const MCCS: readonly MccParams[] = [
  {
    mcc: "5411",
    label: "Grocery stores, supermarkets",
    slugWord: "grocery",
    adoption: 0.85,
    adoptionEffects: {},
    r: 1.4,
    alpha: 10,
    a: 0.7,
    b: 25,
    weekly: [0.92, 0.9, 0.92, 0.96, 1.08, 1.22, 1.0],
    monthly: [0.95, 0.93, 0.98, 0.98, 1.0, 0.95, 0.92, 0.94, 0.98, 1.0, 1.02, 1.35],
    specialDays: [{ month: 12, from: 28, to: 31, factor: 1.8, label: "New Year shopping" }],
    hourly: [0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.2, 1.4, 1.6, 1.8, 2, 2, 1.9, 2, 2.4, 3, 3.6, 3.6, 3, 2.2, 1.2, 0.5],
    onlineShare: 0.06,
    refundRate: 0.011,
    medianCheckRub: [650, 1400],
    checkSigma: 0.55,
    brands: ["Свежий ряд", "Лавка у дома", "Добрый гастроном", "Зелёная корзина", "Семейный маркет", "Продукты на углу", "Сытный двор", "Городская лавка"],
  },
  {
    mcc: "5812",
    label: "Eating places, restaurants",
    slugWord: "restaurant",
    adoption: 0.35,
    adoptionEffects: { premium: 1.0, young: 0.3, single: 0.3, senior: -0.5 },
    r: 0.9,
    alpha: 30,
    a: 0.8,
    b: 12,
    weekly: [0.75, 0.8, 0.85, 0.95, 1.3, 1.35, 1.0],
    monthly: [0.85, 0.9, 1.0, 1.0, 1.05, 1.0, 0.9, 0.9, 1.0, 1.05, 1.05, 1.3],
    specialDays: [
      { month: 2, from: 14, to: 14, factor: 1.6, label: "Valentine's Day" },
      { month: 3, from: 8, to: 8, factor: 1.6, label: "International Women's Day" },
      { month: 12, from: 20, to: 28, factor: 1.3, label: "year-end parties" },
    ],
    hourly: [0.3, 0.2, 0.1, 0, 0, 0, 0, 0.1, 0.3, 0.4, 0.6, 1.2, 2.8, 3, 2.2, 1, 0.9, 1.4, 2.6, 3.4, 3.2, 2.4, 1.4, 0.7],
    onlineShare: 0.08,
    refundRate: 0.008,
    medianCheckRub: [1400, 3800],
    checkSigma: 0.45,
    brands: ["Бистро «Чайка»", "Трактир «Самовар»", "Ресторан «Север»", "Кафе «Липа»", "Остерия «Невская»", "Гриль-бар «Угли»", "Столовая № 7", "Кафе «Встреча»"],
  },
  {
    mcc: "5814",
    label: "Fast food restaurants",
    slugWord: "fastfood",
    adoption: 0.45,
    adoptionEffects: { young: 0.8, senior: -0.9, premium: -0.2 },
    r: 0.8,
    alpha: 14,
    a: 0.8,
    b: 14,
    weekly: [1.05, 1.05, 1.05, 1.05, 1.1, 0.9, 0.8],
    monthly: [0.95, 0.95, 1.0, 1.0, 1.05, 1.05, 1.05, 1.05, 1.0, 0.95, 0.95, 1.0],
    specialDays: [],
    hourly: [0.4, 0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 1.2, 1.2, 1.4, 2.2, 3.4, 3.4, 2.4, 1.6, 1.6, 2, 2.6, 2.6, 2.2, 1.6, 1, 0.6],
    onlineShare: 0.2,
    refundRate: 0.008,
    medianCheckRub: [380, 750],
    checkSigma: 0.4,
    brands: ["Шаурма Экспресс", "Пельменная «Быстро»", "Бургер Двор", "Пирожки и кофе", "Столовка Go", "Лапша-бар", "Хот-дог станция", "Чебуреки тут"],
  },
  {
    mcc: "5912",
    label: "Drug stores and pharmacies",
    slugWord: "pharmacy",
    adoption: 0.5,
    adoptionEffects: { senior: 0.6, female: 0.3 },
    r: 1.1,
    alpha: 50,
    a: 0.9,
    b: 12,
    weekly: [1.05, 1.02, 1.02, 1.02, 1.0, 0.97, 0.92],
    monthly: [1.15, 1.1, 1.05, 0.95, 0.9, 0.85, 0.85, 0.9, 1.0, 1.05, 1.1, 1.1],
    specialDays: [],
    hourly: [0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.1, 0.5, 1.2, 1.6, 1.8, 2, 2, 2, 1.9, 1.9, 2, 2.3, 2.4, 2.2, 1.6, 1, 0.4, 0.2],
    onlineShare: 0.1,
    refundRate: 0.02,
    medianCheckRub: [550, 1300],
    checkSigma: 0.6,
    brands: ["Аптека «Ромашка»", "Аптека «Добрый доктор»", "Фармация «Вита»", "Аптека «Шалфей»", "Лекарь Плюс", "Аптека «Солнечная»", "Фарма рядом", "Аптека «Липовый цвет»"],
  },
  {
    mcc: "5651",
    label: "Family clothing stores",
    slugWord: "clothing",
    adoption: 0.28,
    adoptionEffects: { female: 0.5, premium: 0.3 },
    r: 1.2,
    alpha: 130,
    a: 1.0,
    b: 7,
    weekly: [0.8, 0.8, 0.85, 0.9, 1.05, 1.45, 1.15],
    monthly: [0.8, 0.8, 1.0, 1.05, 1.05, 1.0, 0.9, 1.0, 1.1, 1.0, 1.1, 1.2],
    specialDays: [],
    hourly: MALL_HOURS,
    onlineShare: 0.3,
    refundRate: 0.07,
    medianCheckRub: [2600, 6500],
    checkSigma: 0.55,
    brands: ["Семейный гардероб", "Мода Дом", "Гардероб Плюс", "Стиль рядом", "Швейный двор", "Платье и Ко", "Костюм Маркет", "Одежда для всех"],
  },
  {
    mcc: "5941",
    label: "Sporting goods stores",
    slugWord: "sport",
    adoption: 0.15,
    adoptionEffects: { female: -0.4, young: 0.6, senior: -0.7 },
    r: 1.0,
    alpha: 180,
    a: 1.0,
    b: 6,
    weekly: [0.85, 0.85, 0.85, 0.9, 1.0, 1.4, 1.15],
    monthly: [1.1, 0.95, 0.9, 1.0, 1.1, 1.1, 1.0, 0.95, 0.9, 0.85, 0.9, 1.25],
    specialDays: [],
    hourly: MALL_HOURS,
    onlineShare: 0.35,
    refundRate: 0.06,
    medianCheckRub: [3200, 9000],
    checkSigma: 0.65,
    brands: ["Спорт Зона", "Лыжня", "Турник", "Форма Спорт", "Вершина Outdoor", "Мяч и Ко", "Тренировка", "Беговая дорожка"],
  },
  {
    mcc: "5499",
    label: "Miscellaneous food stores (bakeries, coffee, specialty)",
    slugWord: "food",
    adoption: 0.3,
    adoptionEffects: { female: 0.1 },
    r: 0.9,
    alpha: 25,
    a: 0.8,
    b: 12,
    weekly: [0.95, 0.95, 0.95, 1.0, 1.1, 1.1, 0.95],
    monthly: [0.95, 0.95, 1.0, 1.0, 1.0, 0.95, 0.9, 0.95, 1.0, 1.0, 1.05, 1.25],
    specialDays: [],
    hourly: [0.1, 0, 0, 0, 0, 0, 0.3, 1.6, 2.8, 2.6, 2, 1.8, 2, 1.9, 1.6, 1.6, 1.8, 2, 2, 1.7, 1.2, 0.8, 0.4, 0.2],
    onlineShare: 0.1,
    refundRate: 0.01,
    medianCheckRub: [300, 700],
    checkSigma: 0.45,
    brands: ["Пекарня «Колосок»", "Кофейня «Зерно»", "Чайная лавка", "Сырная полка", "Медовый дом", "Орехи и сухофрукты", "Хлебный угол", "Кондитерская «Эклер»"],
  },
  {
    mcc: "5977",
    label: "Cosmetic stores",
    slugWord: "cosmetics",
    adoption: 0.12,
    adoptionEffects: { female: 1.6, premium: 0.4 },
    r: 1.1,
    alpha: 90,
    a: 1.0,
    b: 9,
    weekly: [0.9, 0.9, 0.95, 0.95, 1.05, 1.25, 1.0],
    monthly: [0.85, 1.05, 1.2, 0.95, 0.95, 0.9, 0.85, 0.9, 0.95, 1.0, 1.05, 1.35],
    specialDays: [
      { month: 3, from: 1, to: 7, factor: 1.8, label: "before International Women's Day" },
      { month: 12, from: 20, to: 30, factor: 1.5, label: "New Year gifts" },
    ],
    hourly: MALL_HOURS,
    onlineShare: 0.35,
    refundRate: 0.03,
    medianCheckRub: [1300, 3500],
    checkSigma: 0.5,
    brands: ["Красота рядом", "Косметика «Лотос»", "Парфюм-лавка", "Beauty Полка", "Нежность", "Аромат Дом", "Косметичка", "Зеркало Beauty"],
  },
];

/** Hour-of-day weights of online purchases (all MCCs): evenings, late into the night. */
export const ONLINE_HOURLY = [0.6, 0.3, 0.2, 0.1, 0.1, 0.2, 0.4, 0.8, 1.2, 1.4, 1.5, 1.6, 1.7, 1.7, 1.6, 1.6, 1.7, 1.9, 2.2, 2.5, 2.8, 2.8, 2.2, 1.3];

/**
 * Number of merchants per city and MCC. Designed so that some MCC × region peer groups have
 * at least 5 merchants (Moscow grocery 7, restaurants 5, fast food 5; Saint Petersburg grocery
 * 5) and others do not, for the privacy rules' tests.
 */
export const MERCHANT_LAYOUT: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  msk: { "5411": 7, "5812": 5, "5814": 5, "5912": 3, "5651": 2, "5941": 2, "5499": 2, "5977": 3 },
  spb: { "5411": 5, "5812": 3, "5814": 2, "5912": 2, "5651": 1, "5499": 1, "5977": 1 },
  kzn: { "5411": 3, "5812": 2, "5814": 1, "5912": 1 },
  ekb: { "5411": 3, "5812": 1, "5814": 1, "5912": 1, "5651": 1 },
  nsk: { "5411": 2, "5812": 1, "5814": 1, "5912": 1 },
};

/**
 * Merchants with a planted story (by slug). Times are fractions of the window so the stories
 * stay inside shorter windows too.
 * - `attractiveness`: fixed weight instead of the random one (a dominant chain: > 25 % of its
 *   peer group, for the "no single peer above 25 %" rule).
 * - `opensAt`: the merchant does not exist before this point (a new competitor).
 * - `trend`: attractiveness multiplier ramps linearly from 1 to `factor` between `from` and `to`
 *   (a rising competitor that pulls switchers).
 */
export const PLANTED_MERCHANTS: Readonly<
  Record<string, { attractiveness?: number; opensAt?: number; trend?: { from: number; to: number; factor: number } }>
> = {
  "spb-grocery-1": { attractiveness: 4 },
  "msk-restaurant-5": { opensAt: 0.4 },
  "msk-fastfood-5": { trend: { from: 0.5, to: 0.75, factor: 3 } },
};

/** Log-sd of merchants' random attractiveness (lognormal, median 1). */
export const MERCHANT_ATTRACTIVENESS_SIGMA = 0.35;
/** Log-sd of merchants' online-share factor (lognormal, median 1). */
export const MERCHANT_ONLINE_SIGMA = 0.3;

/** Demographics of bank customers (ages at the window's end). */
export const DEMOGRAPHICS = {
  femaleShare: 0.54,
  ageMean: 42,
  ageSd: 14,
  ageMin: 18,
  ageMax: 85,
  /** P(single, married, divorced, widowed) by age band (upper bound exclusive). */
  maritalByAge: [
    { below: 25, p: [0.85, 0.13, 0.02, 0] },
    { below: 35, p: [0.45, 0.45, 0.09, 0.01] },
    { below: 50, p: [0.2, 0.6, 0.17, 0.03] },
    { below: 65, p: [0.12, 0.6, 0.18, 0.1] },
    { below: 200, p: [0.08, 0.5, 0.14, 0.28] },
  ],
  /** P(payroll) for ages 23..60 and outside. */
  payrollWorkingAge: 0.42,
  payrollOther: 0.12,
  /** P(corporate | payroll), P(corporate | not payroll). */
  corporateIfPayroll: 0.32,
  corporateOther: 0.06,
  /** logit P(premium) = intercept + payroll + age 35..59 + corporate. */
  premiumLogit: { intercept: -3.4, payroll: 1.0, age35to59: 0.9, corporate: 0.6 },
  /** Probability that an attribute is unknown in customers.csv (the truth keeps the value). */
  missingShare: 0.04,
  missingRegionShare: 0.03,
};

/** When customers' relationships with the bank begin. */
export const ACQUISITION = {
  /** Share of customers who were already customers before the window (joined up to a year before). */
  existingShare: 0.6,
  existingMaxDaysBefore: 365,
  /** Mean delay (days, exponential) between joining and the first purchase in an MCC. */
  firstPurchaseLagMean: 20,
};

/**
 * Churn drivers: the dropout probability after each repeat purchase in an MCC is
 * logit p = logit u + Σ β_k (x_k − centre_k), u ~ Beta(a, b) of the MCC. `ageDecades` is
 * (age − 45) / 10. Positive β: likelier to stop.
 */
export const CHURN_DRIVERS = {
  attraction: { beta: 2.5, centre: 2 / 7 },
  payroll: { beta: -0.8, centre: 0.3 },
  ageDecades: { beta: -0.2, centre: 0 },
  premium: { beta: -0.3, centre: 0.07 },
};

/**
 * Competitor attraction c ~ Beta(2, 5) per customer and MCC (mean 2/7) drives three things:
 * the cross-shopping share s = crossShareBase + crossShareSlope · c, the monthly switching
 * probability h = 1 − exp(−(switchBase + switchSlope · c)) and, through CHURN_DRIVERS, dropout.
 */
export const SWITCHING = {
  attractionA: 2,
  attractionB: 5,
  crossShareBase: 0.04,
  crossShareSlope: 0.5,
  switchBase: 0.004,
  switchSlope: 0.06,
  /** Days before a switch during which purchases drift to the next favourite. */
  driftDays: 45,
  /** Probability of buying at the next favourite on the day before the switch (ramps from 0). */
  driftMax: 0.6,
};

/**
 * Customer spend multiplier m: log m = premium + payroll + single + age effect + N(0, sd²).
 * A purchase at merchant k costs median_k · m · exp(σ_mcc Z) RUB.
 */
export const SPEND = {
  premium: 0.3,
  payroll: 0.1,
  single: 0.12,
  under25: -0.15,
  age35to55: 0.1,
  over65: -0.1,
  sd: 0.3,
};

/** Customer online propensity g (multiplies the MCC × merchant online share; capped at 0.95). */
export const ONLINE = { sd: 0.4, under35: 0.3, over60: -0.3, cap: 0.95 };

/**
 * Latent campaign responsiveness ρ = N(0,1) + under35 + payroll + female: a hook for a planted
 * campaign (uplift by segment) derived later from customer_truths.csv and stream
 * STREAM.campaign, without changing any existing draw.
 */
export const CAMPAIGN_HOOK = { under35: 0.5, payroll: -0.4, female: 0.3 };

/** Refunds: delay after the purchase (whole days) and refunded share. */
export const REFUNDS = { minDelayDays: 1, meanExtraDelayDays: 3, fullShare: 0.7, partialMin: 0.2, partialMax: 0.9 };

/** Random stream purposes (see prng.stream). Never renumber: it would change every bank. */
export const STREAM = {
  merchants: 1,
  traits: 2,
  timeline: 3,
  choice: 4,
  details: 5,
  refunds: 6,
  campaign: 7,
} as const;
