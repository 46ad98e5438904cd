// The demo seed: a few thousand related records that look like a small B2B company's org, so the
// demo mappings, SOQL relationship queries and the sync have something believable to work on.
//
// Deterministic: one seeded PRNG drives every choice and dates count from a fixed reference day,
// so the same seed gives the same records, and (the store's ids come from per-prefix counters in
// creation order) the same ids. Everything goes through store.insert/update so validation,
// SystemModstamp and ids stay the store's; one store.atomically makes it a single transaction,
// which is what keeps it fast (and all-or-nothing).

import { seededRandom } from '../../../src-shared/random';
import type { LocalOrgStore, RecordValues } from '../store/types';

export interface SeedOptions {
  /** Multiplies the record counts (products and price books stay fixed); default 1. */
  scale?: number;
  /** The PRNG seed; default DEMO_SEED. */
  seed?: number;
  /** 'YYYY-MM-DD' that dates count from (open deals close after it); default DEMO_REFERENCE_DATE. */
  referenceDate?: string;
}

/** Records the seed inserted, per object, in the order it created them. */
export type SeedSummary = Readonly<Record<string, number>>;

export const DEMO_SEED = 4242;
/** A fixed day, not today: the same seed must give the same records on every run. */
export const DEMO_REFERENCE_DATE = '2025-07-01';

/** Record counts at scale 1. */
const BASE_COUNTS = {
  Account: 300,
  Contact: 1200,
  Lead: 400,
  Campaign: 12,
  Opportunity: 600,
  Case: 500,
  CampaignMember: 600,
  Task: 800,
  Event: 300,
} as const;

export function seedDemo(store: LocalOrgStore, options: SeedOptions = {}): SeedSummary {
  const scale = options.scale ?? 1;
  if (!(Number.isFinite(scale) && scale > 0 && scale <= 1000)) {
    throw new Error(`seedDemo: scale must be a number above 0 and at most 1000, not ${scale}`);
  }
  const seed = options.seed ?? DEMO_SEED;
  if (!Number.isSafeInteger(seed)) {
    throw new Error(`seedDemo: seed must be a whole number, not ${seed}`);
  }
  const referenceDate = options.referenceDate ?? DEMO_REFERENCE_DATE;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(referenceDate) || Number.isNaN(Date.parse(referenceDate))) {
    throw new Error(`seedDemo: referenceDate must be a date like 2025-07-01, not ${referenceDate}`);
  }
  return store.atomically(() =>
    new DemoSeeder(store, scale, seed, Date.parse(`${referenceDate}T00:00:00Z`)).run(),
  );
}

// ---------------------------------------------------------------------------------------------
// Draws from a seeded generator: the same seed gives the same org.

class Random {
  private readonly draw: () => number;
  constructor(seed: number) {
    this.draw = seededRandom(seed >>> 0 || 0x9e3779b9);
  }
  next(): number {
    return this.draw();
  }
  /** A whole number in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('seedDemo: pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** Picks by weight: [[value, weight], …]. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [value, weight] of choices) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }
  /** `count` distinct items (fewer when the list is shorter). */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) {
      out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0] as T);
    }
    return out;
  }
  /** 36 characters shaped like a version-4 UUID, drawn from this PRNG. */
  uuid(): string {
    const hex = (n: number) =>
      Array.from({ length: n }, () => '0123456789abcdef'[this.int(0, 15)]).join('');
    const variant = '89ab'[this.int(0, 3)];
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Word lists (our own). Industries and other picklist values are the standard set's.

// prettier-ignore
const COMPANY_STEMS = [
  'Northwind', 'Bluewater', 'Summit', 'Cedar', 'Harbor', 'Granite', 'Silverline', 'Redwood',
  'Ironbridge', 'Lakeshore', 'Brightpath', 'Stonefield', 'Westgate', 'Clearview', 'Evergreen',
  'Pinecrest', 'Riverbend', 'Highland', 'Copperleaf', 'Sunridge', 'Oakmont', 'Maple Grove',
  'Falcon', 'Meridian', 'Keystone', 'Trailhead', 'Aurora', 'Beacon', 'Crescent', 'Driftwood',
  'Foxhollow', 'Goldfinch', 'Hollowbrook', 'Juniper', 'Kingsley', 'Larkspur', 'Marlow', 'Nettle',
  'Orchard', 'Pebble Creek', 'Quarry', 'Rosewood', 'Saltmarsh', 'Thornbury', 'Upland', 'Vantage',
  'Willowby', 'Yarrow',
] as const;

/** A company's second word and the industry it suggests. */
// prettier-ignore
const COMPANY_KINDS: ReadonlyArray<readonly [string, string]> = [
  ['Logistics', 'Transportation'], ['Freight', 'Shipping'], ['Foods', 'Food & Beverage'],
  ['Brewing', 'Food & Beverage'], ['Health', 'Healthcare'], ['Clinics', 'Healthcare'],
  ['Analytics', 'Technology'], ['Software', 'Technology'], ['Systems', 'Electronics'],
  ['Energy', 'Energy'], ['Power', 'Utilities'], ['Water', 'Utilities'], ['Bank', 'Banking'],
  ['Capital', 'Finance'], ['Insurance', 'Insurance'], ['Builders', 'Construction'],
  ['Engineering', 'Engineering'], ['Machinery', 'Machinery'], ['Manufacturing', 'Manufacturing'],
  ['Apparel', 'Apparel'], ['Outfitters', 'Retail'], ['Market', 'Retail'], ['Media', 'Media'],
  ['Studios', 'Entertainment'], ['Telecom', 'Telecommunications'], ['Networks', 'Communications'],
  ['Consulting', 'Consulting'], ['Partners', 'Consulting'], ['Academy', 'Education'],
  ['Biotech', 'Biotechnology'], ['Chemicals', 'Chemicals'], ['Farms', 'Agriculture'],
  ['Hotels', 'Hospitality'], ['Resorts', 'Recreation'], ['Foundation', 'Not For Profit'],
  ['Environmental', 'Environmental'],
];

const COMPANY_SUFFIXES = ['Inc.', 'LLC', 'Group', 'Co.', 'Ltd', 'Corp.', ''] as const;
const REGIONS = ['EMEA', 'APAC', 'North America', 'LATAM', 'Nordics', 'West', 'East'] as const;

// prettier-ignore
const ACCOUNT_TYPES: ReadonlyArray<readonly [string, number]> = [
  ['Customer - Direct', 5], ['Customer - Channel', 2], ['Prospect', 4],
  ['Channel Partner / Reseller', 1], ['Installation Partner', 1], ['Technology Partner', 1],
  ['Other', 1],
];

// prettier-ignore
const FIRST_NAMES = [
  'Ada', 'Alan', 'Amara', 'Anika', 'Ben', 'Bianca', 'Carlos', 'Chen', 'Chloe', 'Dana', 'David',
  'Elena', 'Emeka', 'Farah', 'Felix', 'Grace', 'Hana', 'Hugo', 'Ines', 'Isaac', 'Jamal', 'Jana',
  'Jonas', 'Julia', 'Kai', 'Kenji', 'Lara', 'Leon', 'Lucia', 'Mara', 'Mateo', 'Mei', 'Miguel',
  'Nadia', 'Nina', 'Noah', 'Olga', 'Omar', 'Paula', 'Priya', 'Rafael', 'Ravi', 'Rosa', 'Sam',
  'Sara', 'Sofia', 'Tariq', 'Tomas', 'Uma', 'Victor', 'Wen', 'Yara', 'Yusuf', 'Zoe',
] as const;

// prettier-ignore
const LAST_NAMES = [
  'Abbott', 'Alvarez', 'Bauer', 'Becker', 'Brennan', 'Castillo', 'Chowdhury', 'Dahl', 'Delgado',
  'Eriksen', 'Fischer', 'Fontaine', 'Garcia', 'Gupta', 'Haddad', 'Hartmann', 'Hughes', 'Ito',
  'Jansen', 'Kaur', 'Keller', 'Kowalski', 'Larsen', 'Lopez', 'Mbeki', 'Moreau', 'Murphy',
  'Nakamura', 'Novak', 'Okafor', 'Olsen', 'Park', 'Patel', 'Petrov', 'Quinn', 'Rahman', 'Reyes',
  'Rossi', 'Sato', 'Schmidt', 'Silva', 'Suzuki', 'Tanaka', 'Torres', 'Varga', 'Walsh', 'Weber',
  'Yilmaz', 'Zhang', 'Ziegler',
] as const;

// prettier-ignore
const TITLES = [
  'CEO', 'CFO', 'CTO', 'VP Sales', 'VP Operations', 'Head of IT', 'IT Manager', 'Buyer',
  'Procurement Lead', 'Operations Manager', 'Finance Director', 'Office Manager',
  'Product Manager', 'Data Engineer', 'Solutions Architect', 'Customer Success Manager',
] as const;

/** City, state/province, postal code stem, country. */
// prettier-ignore
const CITIES: ReadonlyArray<readonly [string, string, string, string]> = [
  ['San Francisco', 'CA', '941', 'United States'], ['Austin', 'TX', '787', 'United States'],
  ['Chicago', 'IL', '606', 'United States'], ['Boston', 'MA', '021', 'United States'],
  ['Seattle', 'WA', '981', 'United States'], ['Denver', 'CO', '802', 'United States'],
  ['Atlanta', 'GA', '303', 'United States'], ['New York', 'NY', '100', 'United States'],
  ['Toronto', 'ON', 'M5V', 'Canada'], ['Vancouver', 'BC', 'V6B', 'Canada'],
  ['London', 'England', 'EC1', 'United Kingdom'],
  ['Manchester', 'England', 'M1', 'United Kingdom'], ['Berlin', 'Berlin', '101', 'Germany'],
  ['Munich', 'Bavaria', '803', 'Germany'], ['Lyon', 'Auvergne-Rhône-Alpes', '690', 'France'],
  ['Porto', 'Porto', '400', 'Portugal'], ['Amsterdam', 'North Holland', '101', 'Netherlands'],
  ['Stockholm', 'Stockholm', '111', 'Sweden'], ['Osaka', 'Osaka', '530', 'Japan'],
  ['Sydney', 'NSW', '200', 'Australia'],
];

// prettier-ignore
const STREETS = [
  'Market St', 'Harbor Way', 'Oak Avenue', 'Mill Road', 'Station Square', 'Elm Street',
  'Commerce Drive', 'River Road', 'King Street', 'Park Lane', 'Industrial Blvd', 'Bridge Street',
] as const;

// prettier-ignore
const LEAD_SOURCES = [
  'Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Trade Show', 'Other',
] as const;
// prettier-ignore
const LEAD_STATUSES: ReadonlyArray<readonly [string, number]> = [
  ['Open - Not Contacted', 4], ['Working - Contacted', 4], ['Closed - Not Converted', 2],
];

/** Stage, its default probability, and how often it occurs. */
// prettier-ignore
const STAGES: ReadonlyArray<readonly [string, number, number]> = [
  ['Prospecting', 10, 8], ['Qualification', 10, 8], ['Needs Analysis', 20, 6],
  ['Value Proposition', 50, 5], ['Id. Decision Makers', 60, 4], ['Perception Analysis', 70, 3],
  ['Proposal/Price Quote', 75, 5], ['Negotiation/Review', 90, 4], ['Closed Won', 100, 10],
  ['Closed Lost', 0, 7],
];

// prettier-ignore
const DEAL_WORDS = [
  'Renewal', 'Expansion', 'New Business', 'Upgrade', 'Pilot', 'Rollout', 'Add-on Licenses',
  'Support Contract', 'Migration Project', 'Hardware Refresh',
] as const;

/** Family, product names, price range. */
// prettier-ignore
const PRODUCT_LINES: ReadonlyArray<readonly [string, readonly string[], number, number]> = [
  ['Hardware', ['Edge Gateway', 'Sensor Hub', 'Rack Server', 'Storage Array', 'Network Switch',
    'Thin Client', 'Barcode Scanner', 'Label Printer'], 250, 18_000],
  ['Software', ['Analytics Suite', 'Sync Agent', 'Field Service App', 'Billing Engine',
    'Security Scanner'], 40, 2_400],
  ['Services', ['Onboarding', 'Premium Support', 'Data Migration', 'Training Day',
    'Health Check'], 800, 12_000],
];
const HARDWARE_SIZES = ['S', 'M', 'L'] as const;
const SOFTWARE_EDITIONS = ['Standard', 'Professional', 'Enterprise'] as const;

// prettier-ignore
const CASE_SUBJECTS = [
  'Cannot log in to the portal', 'Invoice shows the wrong amount', 'Gateway loses its connection',
  'Request for a replacement unit', 'Sync stopped overnight', 'Question about the renewal',
  'Shipment arrived damaged', 'Export to CSV times out', 'Password reset email never arrives',
  'Add users to our subscription', 'Printer jams on thick labels', 'Dashboard loads slowly',
  'Wrong tax rate on order', 'Need help with the API limits', 'Firmware update failed',
] as const;
// prettier-ignore
const CASE_STATUSES: ReadonlyArray<readonly [string, number]> = [
  ['New', 3], ['Working', 3], ['Escalated', 1], ['Closed', 6],
];
const PRIORITIES: ReadonlyArray<readonly [string, number]> = [
  ['High', 1],
  ['Medium', 3],
  ['Low', 2],
];
const ORIGINS = ['Phone', 'Email', 'Web'] as const;

// prettier-ignore
const CAMPAIGN_NAMES: ReadonlyArray<readonly [string, string]> = [
  ['Global Events', 'Other'], ['Spring Product Webinar', 'Webinar'],
  ['Logistics Summit Booth', 'Trade Show'], ['Customer Newsletter', 'Email'],
  ['Partner Conference', 'Conference'], ['Analytics Suite Launch', 'Webinar'],
  ['Healthcare Roundtable', 'Conference'], ['Year-End Promotion', 'Email'],
  ['Manufacturing Expo', 'Trade Show'], ['Security Best Practices', 'Webinar'],
  ['Renewal Reminder', 'Email'], ['Regional User Group', 'Other'],
];

// prettier-ignore
const TASK_SUBJECTS = [
  'Call', 'Send Letter', 'Send Quote', 'Other', 'Follow up on proposal',
  'Check in after onboarding',
] as const;
// prettier-ignore
const EVENT_SUBJECTS = [
  'Meeting', 'Call', 'Email', 'Other', 'Quarterly business review', 'Product demo',
] as const;

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------

interface SeededAccount {
  id: string;
  name: string;
  domain: string;
  industry: string;
  contacts: string[];
  opportunities: string[];
  cases: string[];
}

interface PriceEntry {
  entryId: string;
  productId: string;
  family: string;
  unitPrice: number;
}

class DemoSeeder {
  private readonly random: Random;
  private readonly counts: Record<string, number> = {};
  private readonly usedNames = new Set<string>();
  private readonly usedEmails = new Set<string>();

  constructor(
    private readonly store: LocalOrgStore,
    private readonly scale: number,
    seed: number,
    private readonly referenceMs: number,
  ) {
    this.random = new Random(seed);
  }

  run(): SeedSummary {
    const { entries, standardPricebookId } = this.catalog();
    const campaigns = this.campaigns();
    const accounts = this.accounts();
    this.contacts(accounts);
    const leads = this.leads();
    this.opportunities(accounts, campaigns, entries, standardPricebookId);
    this.cases(accounts);
    this.campaignMembers(campaigns, accounts, leads);
    this.tasks(accounts, leads);
    this.events(accounts);
    return { ...this.counts };
  }

  private count(object: keyof typeof BASE_COUNTS): number {
    return Math.max(1, Math.round(BASE_COUNTS[object] * this.scale));
  }

  private insert(object: string, values: RecordValues): string {
    const id = this.store.insert(object, values);
    this.counts[object] = (this.counts[object] ?? 0) + 1;
    return id;
  }

  private date(offsetDays: number): string {
    return new Date(this.referenceMs + offsetDays * DAY_MS).toISOString().slice(0, 10);
  }

  private phone(): string {
    return `+1 (${this.random.int(201, 989)}) 555-${String(this.random.int(100, 9999)).padStart(4, '0')}`;
  }

  private personName(): { first: string; last: string } {
    return { first: this.random.pick(FIRST_NAMES), last: this.random.pick(LAST_NAMES) };
  }

  private email(first: string, last: string, domain: string): string {
    const base = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
    let email = `${base}@${domain}`;
    for (let n = 2; this.usedEmails.has(email); n++) email = `${base}${n}@${domain}`;
    this.usedEmails.add(email);
    return email;
  }

  /** A company name not used yet ("Summit Analytics Inc."), with its industry. */
  private companyName(): { name: string; stem: string; industry: string } {
    for (let attempt = 0; ; attempt++) {
      const stem = this.random.pick(COMPANY_STEMS);
      const [kind, industry] = this.random.pick(COMPANY_KINDS);
      const suffix = this.random.pick(COMPANY_SUFFIXES);
      const base = `${stem} ${kind}`;
      // Past a few thousand companies the word lists run out; a number keeps names unique.
      const name =
        (suffix ? `${base} ${suffix}` : base) + (attempt > 20 ? ` ${this.usedNames.size}` : '');
      if (this.usedNames.has(name)) continue;
      this.usedNames.add(name);
      return { name, stem: base, industry };
    }
  }

  // --- Products and price books: a fixed catalog.

  private catalog(): { entries: PriceEntry[]; standardPricebookId: string } {
    const products: Array<{ id: string; family: string; price: number }> = [];
    for (const [family, names, low, high] of PRODUCT_LINES) {
      for (const name of names) {
        const variants: readonly string[] =
          family === 'Hardware' ? HARDWARE_SIZES : family === 'Software' ? SOFTWARE_EDITIONS : [''];
        variants.forEach((variant, v) => {
          const code = `${family.slice(0, 2).toUpperCase()}-${name.replace(/[^A-Z]/g, '')}${variant ? `-${variant.slice(0, 3).toUpperCase()}` : ''}`;
          const price = Math.round((low + this.random.next() * (high - low)) * (1 + v * 0.6));
          const id = this.insert('Product2', {
            Name: variant ? `${name} ${variant}` : name,
            ProductCode: code,
            Family: family,
            IsActive: !this.random.chance(0.05),
            Description: `${name}${variant ? ` (${variant})` : ''}: part of our ${family.toLowerCase()} line.`,
          });
          products.push({ id, family, price });
        });
      }
    }

    const standardId = this.standardPricebook();
    const partnerId = this.insert('Pricebook2', {
      Name: 'Partner Price Book',
      IsActive: true,
      Description: 'Prices for resellers and installation partners',
    });

    // Salesforce wants a product's standard price before any other price book's entry.
    const standard = products.map((p) => ({
      entryId: this.insert('PricebookEntry', {
        Pricebook2Id: standardId,
        Product2Id: p.id,
        UnitPrice: p.price,
        IsActive: true,
        UseStandardPrice: false,
      }),
      productId: p.id,
      family: p.family,
      unitPrice: p.price,
    }));
    for (const p of products) {
      if (p.family === 'Hardware') continue;
      this.insert('PricebookEntry', {
        Pricebook2Id: partnerId,
        Product2Id: p.id,
        UnitPrice: Math.round(p.price * 0.85 * 100) / 100,
        IsActive: true,
        UseStandardPrice: false,
      });
    }
    return { entries: standard, standardPricebookId: standardId };
  }

  /** The standard price book every org (and so every new store) comes with. */
  private standardPricebook(): string {
    const found = this.store.query('SELECT Id FROM Pricebook2 WHERE IsStandard = true LIMIT 1', {
      includeDeleted: false,
      apiVersion: '62.0',
    });
    const id = found.records[0]?.Id;
    if (typeof id !== 'string') throw new Error('The org has no standard price book to seed');
    return id;
  }

  // --- Campaigns.

  private campaigns(): string[] {
    const ids: string[] = [];
    const total = this.count('Campaign');
    for (let i = 0; i < total; i++) {
      const [baseName, type] = CAMPAIGN_NAMES[i % CAMPAIGN_NAMES.length]!;
      const round = Math.floor(i / CAMPAIGN_NAMES.length);
      const start = this.random.int(-300, 90);
      const end = start + this.random.int(1, 60);
      const status = end < 0 ? 'Completed' : start > 0 ? 'Planned' : 'In Progress';
      ids.push(
        this.insert('Campaign', {
          Name: round === 0 ? baseName : `${baseName} ${round + 1}`,
          Type: type,
          Status: status,
          StartDate: this.date(start),
          EndDate: this.date(end),
          IsActive: status !== 'Completed',
          // The first campaign groups a few events under it (a campaign hierarchy).
          ParentId: i > 0 && type === 'Trade Show' && ids[0] ? ids[0] : null,
        }),
      );
    }
    return ids;
  }

  // --- Accounts, some of them subsidiaries of others (ParentId), a few three levels deep.

  private accounts(): SeededAccount[] {
    const total = this.count('Account');
    const accounts: SeededAccount[] = [];
    const parents: Array<{ account: SeededAccount; stem: string }> = [];
    for (let i = 0; i < total; i++) {
      let name: string;
      let stem: string;
      let industry: string;
      let parent: SeededAccount | undefined;
      if (parents.length > 0 && i > total / 10 && this.random.chance(0.15)) {
        const chosen = this.random.pick(parents);
        parent = chosen.account;
        industry = parent.industry;
        stem = chosen.stem;
        name = `${stem} ${this.random.pick(REGIONS)}`;
        for (let n = 2; this.usedNames.has(name); n++)
          name = `${stem} ${this.random.pick(REGIONS)} ${n}`;
        this.usedNames.add(name);
      } else {
        ({ name, stem, industry } = this.companyName());
      }
      const domain = `${stem.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example.com`;
      const [city, state, postal, country] = this.random.pick(CITIES);
      const employees = this.random.weighted<number>([
        [this.random.int(5, 50), 3],
        [this.random.int(51, 500), 4],
        [this.random.int(501, 20_000), 2],
      ]);
      const id = this.insert('Account', {
        Name: name,
        External_ID__c: this.random.uuid(),
        Type: this.random.weighted(ACCOUNT_TYPES),
        Industry: industry,
        AnnualRevenue: Math.round(employees * this.random.int(80, 260)) * 1000,
        NumberOfEmployees: employees,
        Phone: this.phone(),
        Website: `https://www.${domain.replace('.example.com', '')}.example.com`,
        BillingStreet: `${this.random.int(1, 2400)} ${this.random.pick(STREETS)}`,
        BillingCity: city,
        BillingState: state,
        BillingPostalCode: `${postal}${String(this.random.int(0, 99)).padStart(2, '0')}`,
        BillingCountry: country,
        Description: this.random.chance(0.3)
          ? `${name} is a ${industry.toLowerCase()} company based in ${city}.`
          : null,
        ParentId: parent?.id ?? null,
      });
      const account: SeededAccount = {
        id,
        name,
        domain,
        industry,
        contacts: [],
        opportunities: [],
        cases: [],
      };
      accounts.push(account);
      // Headquarters and a few subsidiaries can have subsidiaries of their own.
      if (!parent || this.random.chance(0.2)) parents.push({ account, stem });
      if (parents.length > Math.max(10, total / 5)) parents.shift();
    }
    return accounts;
  }

  // --- Contacts: every account gets at least one; some accounts name a primary contact, the
  // circular case (Account.Primary_Contact__c → Contact.AccountId → the same Account).

  private contacts(accounts: SeededAccount[]): void {
    const total = this.count('Contact');
    const perAccount = accounts.map((): number => (total >= accounts.length ? 1 : 0));
    for (let n = perAccount.reduce((a, b) => a + b, 0); n < total; n++) {
      perAccount[this.random.int(0, accounts.length - 1)]!++;
    }
    accounts.forEach((account, a) => {
      const [city, state, postal, country] = this.random.pick(CITIES);
      for (let c = 0; c < perAccount[a]!; c++) {
        const { first, last } = this.personName();
        const id = this.insert('Contact', {
          AccountId: account.id,
          FirstName: first,
          LastName: last,
          External_ID__c: this.random.uuid(),
          Email: this.email(first, last, account.domain),
          Phone: this.phone(),
          Title: this.random.pick(TITLES),
          Birthdate: this.date(-this.random.int(23 * 365, 68 * 365)),
          DoNotCall: this.random.chance(0.1),
          LeadSource: this.random.chance(0.8) ? this.random.pick(LEAD_SOURCES) : null,
          MailingStreet: `${this.random.int(1, 999)} ${this.random.pick(STREETS)}`,
          MailingCity: city,
          MailingState: state,
          MailingPostalCode: `${postal}${String(this.random.int(0, 99)).padStart(2, '0')}`,
          MailingCountry: country,
          ReportsToId: account.contacts[0] && this.random.chance(0.5) ? account.contacts[0] : null,
        });
        account.contacts.push(id);
      }
    });
    for (const account of accounts) {
      const primary = account.contacts[0];
      if (primary && this.random.chance(0.35)) {
        this.store.update('Account', account.id, { Primary_Contact__c: primary });
      }
    }
  }

  private leads(): string[] {
    const ids: string[] = [];
    const total = this.count('Lead');
    for (let i = 0; i < total; i++) {
      const { first, last } = this.personName();
      const company = this.companyName();
      ids.push(
        this.insert('Lead', {
          FirstName: first,
          LastName: last,
          Company: company.name,
          Title: this.random.pick(TITLES),
          Email: this.email(
            first,
            last,
            `${company.stem.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example.org`,
          ),
          Phone: this.phone(),
          LeadSource: this.random.pick(LEAD_SOURCES),
          Status: this.random.weighted(LEAD_STATUSES),
        }),
      );
    }
    return ids;
  }

  // --- Opportunities with line items from the standard price book; Amount is their sum, as a
  // real org computes it once a deal has products.

  private opportunities(
    accounts: SeededAccount[],
    campaigns: string[],
    entries: PriceEntry[],
    standardPricebookId: string,
  ): void {
    const total = this.count('Opportunity');
    const lineItems: Array<{
      opportunityId: string;
      lines: Array<{ entry: PriceEntry; quantity: number; price: number }>;
    }> = [];
    for (let i = 0; i < total; i++) {
      const account = this.random.pick(accounts);
      const [stage, probability] = this.random.weighted(
        STAGES.map(([name, p, weight]) => [[name, p] as const, weight] as const),
      );
      const closed = stage.startsWith('Closed');
      const lines = this.random.chance(0.75)
        ? this.random.sample(entries, this.random.int(1, 4)).map((entry) => ({
            entry,
            quantity:
              entry.family === 'Software' ? this.random.int(5, 200) : this.random.int(1, 12),
            // Up to a 20% discount off list price.
            price: Math.round(entry.unitPrice * (1 - this.random.int(0, 20) / 100) * 100) / 100,
          }))
        : [];
      const amount =
        lines.length > 0
          ? Math.round(lines.reduce((sum, l) => sum + l.quantity * l.price, 0) * 100) / 100
          : this.random.int(50, 2500) * 100;
      const id = this.insert('Opportunity', {
        AccountId: account.id,
        Name: `${account.name} - ${this.random.pick(DEAL_WORDS)}`,
        StageName: stage,
        Probability: probability,
        Amount: amount,
        CloseDate: this.date(closed ? -this.random.int(1, 365) : this.random.int(0, 180)),
        LeadSource: this.random.pick(LEAD_SOURCES),
        CampaignId: this.random.chance(0.25) ? this.random.pick(campaigns) : null,
        Pricebook2Id: lines.length > 0 ? standardPricebookId : null,
      });
      account.opportunities.push(id);
      if (lines.length > 0) lineItems.push({ opportunityId: id, lines });
    }
    for (const { opportunityId, lines } of lineItems) {
      for (const { entry, quantity, price } of lines) {
        // Salesforce takes UnitPrice or TotalPrice, not both; TotalPrice follows from UnitPrice.
        this.insert('OpportunityLineItem', {
          OpportunityId: opportunityId,
          PricebookEntryId: entry.entryId,
          Product2Id: entry.productId,
          Quantity: quantity,
          UnitPrice: price,
        });
      }
    }
  }

  private cases(accounts: SeededAccount[]): void {
    const total = this.count('Case');
    for (let i = 0; i < total; i++) {
      const account = this.random.pick(accounts);
      const subject = this.random.pick(CASE_SUBJECTS);
      const parent = account.cases.length > 0 && this.random.chance(0.05) ? account.cases[0] : null;
      const id = this.insert('Case', {
        AccountId: account.id,
        ContactId: account.contacts.length > 0 ? this.random.pick(account.contacts) : null,
        ParentId: parent,
        Subject: subject,
        Status: this.random.weighted(CASE_STATUSES),
        Priority: this.random.weighted(PRIORITIES),
        Origin: this.random.pick(ORIGINS),
        Description: `Customer reports: ${subject.toLowerCase()}. Reference ${this.random.int(10_000, 99_999)}.`,
      });
      account.cases.push(id);
    }
  }

  /** Contacts and leads on campaigns; one membership per person and campaign, as in a real org. */
  private campaignMembers(campaigns: string[], accounts: SeededAccount[], leads: string[]): void {
    const total = this.count('CampaignMember');
    const contacts = accounts.flatMap((a) => a.contacts);
    const taken = new Set<string>();
    for (let i = 0, attempts = 0; i < total && attempts < total * 20; attempts++) {
      const campaignId = this.random.pick(campaigns);
      const isLead = leads.length > 0 && this.random.chance(0.3);
      const personId = isLead ? this.random.pick(leads) : this.random.pick(contacts);
      const key = `${campaignId}:${personId}`;
      if (taken.has(key)) continue;
      taken.add(key);
      this.insert('CampaignMember', {
        CampaignId: campaignId,
        [isLead ? 'LeadId' : 'ContactId']: personId,
        Status: this.random.chance(0.35) ? 'Responded' : 'Sent',
      });
      i++;
    }
  }

  /** Tasks: polymorphic WhoId (Contact or Lead) and WhatId (Account, Opportunity or Case). */
  private tasks(accounts: SeededAccount[], leads: string[]): void {
    const total = this.count('Task');
    for (let i = 0; i < total; i++) {
      const kind = this.random.weighted<'contact' | 'lead' | 'deal'>([
        ['contact', 7],
        ['lead', 2],
        ['deal', 1],
      ]);
      let whoId: string | null = null;
      let whatId: string | null = null;
      if (kind === 'lead' && leads.length > 0) {
        // A lead is not related to anything yet: Salesforce refuses a WhatId with a lead WhoId.
        whoId = this.random.pick(leads);
      } else {
        const account = this.random.pick(accounts);
        whoId =
          kind === 'deal' || account.contacts.length === 0
            ? null
            : this.random.pick(account.contacts);
        whatId = this.relatedTo(account, kind === 'deal');
      }
      const due = this.random.int(-90, 45);
      const done = due < 0 ? this.random.chance(0.85) : this.random.chance(0.1);
      this.insert('Task', {
        WhoId: whoId,
        WhatId: whatId,
        Subject: this.random.pick(TASK_SUBJECTS),
        ActivityDate: this.date(due),
        Status: done
          ? 'Completed'
          : this.random.pick(['Not Started', 'In Progress', 'Waiting on someone else']),
        Priority: this.random.weighted([
          ['High', 1],
          ['Normal', 4],
          ['Low', 1],
        ] as const),
        Description: this.random.chance(0.4)
          ? 'Notes from the last conversation are in the account file.'
          : null,
      });
    }
  }

  private events(accounts: SeededAccount[]): void {
    const total = this.count('Event');
    for (let i = 0; i < total; i++) {
      const account = this.random.pick(accounts);
      const startMs =
        this.referenceMs +
        this.random.int(-60, 60) * DAY_MS +
        this.random.int(8 * 2, 16 * 2) * 30 * 60_000;
      const minutes = this.random.pick([30, 45, 60, 90]);
      const start = new Date(startMs).toISOString();
      this.insert('Event', {
        WhoId: account.contacts.length > 0 ? this.random.pick(account.contacts) : null,
        WhatId: this.relatedTo(account, this.random.chance(0.4)),
        Subject: this.random.pick(EVENT_SUBJECTS),
        StartDateTime: start,
        EndDateTime: new Date(startMs + minutes * 60_000).toISOString(),
        ActivityDateTime: start,
        ActivityDate: start.slice(0, 10),
        DurationInMinutes: minutes,
        IsAllDayEvent: false,
      });
    }
  }

  /** The account itself, or one of its deals or cases. */
  private relatedTo(account: SeededAccount, preferDeal: boolean): string {
    if (preferDeal && account.opportunities.length > 0)
      return this.random.pick(account.opportunities);
    if (account.cases.length > 0 && this.random.chance(0.2)) return this.random.pick(account.cases);
    return account.id;
  }
}
