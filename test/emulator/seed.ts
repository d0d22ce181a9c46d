/**
 * Realistic demo data for the emulator: one app, one business account, a few themed boards full of pins made over
 * the last five months, so that the analytics endpoints have a history to show (every day of Pinterest's 90 days).
 */
import type { PinterestEmulator } from './index.js';
import type { ApiBoard, BoardPrivacy, EmulatorApp, EmulatorUser, Environment, IssuedTokens } from './state.js';

export interface SeedOptions {
    /** Number of boards (default 4). */
    boards?: number;
    /** Pins on each board (default 12). */
    pinsPerBoard?: number;
    /** Token scopes (default {@link DEMO_SCOPES}). */
    scopes?: string[];
    /** Whether the app has Trial access (default false). */
    trial?: boolean;
    /** Environment of the issued token (default 'production'). */
    environment?: Environment;
    /** How many of the boards, counted from the last one, are SECRET (default 0). */
    secretBoards?: number;
    /** Username of the demo account (default 'plantbasedkitchen'). */
    username?: string;
    /**
     * Where each pin's image is, by a name unique to the pin (default: i.pinimg.com addresses derived from the pin,
     * as Pinterest's look, which serve nothing). `npm run emulator` points them at images it serves itself, so that
     * a report made from the demo data shows thumbnails without reaching the internet.
     */
    imageUrl?: (name: string) => string;
}

const DAY_MS = 86_400_000;

/** The sizes Pinterest lists for an image pin, all at one address. */
export const imageSizes = (url: string) => ({
    '150x150': { width: 150, height: 150, url },
    '400x300': { width: 400, height: 300, url },
    '600x': { width: 600, height: 900, url },
    '1200x': { width: 1200, height: 1800, url },
});
/** Age in days of the newest pin of the first board, and the days between a board's pins: about five months in all. */
const NEWEST_PIN_DAYS = 12;
const DAYS_BETWEEN_PINS = 13;

export interface SeededAccount {
    app: EmulatorApp;
    user: EmulatorUser;
    tokens: IssuedTokens;
    /** Boards as the API returns them (after the pins were added), in creation order. */
    boards: ApiBoard[];
}

/** Every read and write scope for boards, pins and the user account. */
export const DEMO_SCOPES: readonly string[] = [
    'boards:read',
    'boards:read_secret',
    'boards:write',
    'boards:write_secret',
    'pins:read',
    'pins:read_secret',
    'pins:write',
    'pins:write_secret',
    'user_accounts:read',
    'user_accounts:write',
];

interface Theme {
    name: string;
    description: string;
    slug: string;
    pins: [title: string, description: string][];
}

const THEMES: Theme[] = [
    {
        name: 'Summer Recipes',
        description: 'Light, fresh dishes for hot days: salads, grills and no-bake desserts.',
        slug: 'summer-recipes',
        pins: [
            ['Grilled Peach and Burrata Salad', 'Charred peaches, creamy burrata and a drizzle of honey balsamic. Ready in 15 minutes.'],
            ['Watermelon Feta Skewers', 'The easiest party appetiser: watermelon, feta, mint and a pinch of flaky salt.'],
            ['No-Bake Lemon Cheesecake Jars', 'Zesty, creamy and portable. Make them the night before your picnic.'],
            ['Chili Lime Corn on the Cob', 'Smoky grilled corn brushed with chili-lime butter and sprinkled with cotija.'],
            ['Cold Sesame Noodles', 'A 20-minute weeknight dinner you can serve straight from the fridge.'],
            ['Strawberry Basil Lemonade', 'Homemade lemonade with muddled strawberries and fresh basil.'],
            ['Mediterranean Chickpea Salad', 'Cucumber, tomato, olives and chickpeas in a bright oregano vinaigrette.'],
            ['Blueberry Yogurt Popsicles', 'Three ingredients, no added sugar, and kids love them.'],
        ],
    },
    {
        name: 'Home Office Ideas',
        description: 'Small-space desks, cable management and cozy work-from-home corners.',
        slug: 'home-office',
        pins: [
            ['Floating Desk for a Tiny Nook', 'How we turned 90 cm of wall into a full workstation with a wall-mounted desk.'],
            ['Cable Management Under $30', 'Adhesive trays, sleeves and clips that hide every cable behind your desk.'],
            ['Scandinavian Home Office Makeover', 'White oak, linen and plenty of plants for a calm, bright workspace.'],
            ['Pegboard Wall Organizer', 'A DIY pegboard keeps supplies off the desk and within reach.'],
            ['Closet Office Conversion', 'Before and after: a reach-in closet becomes a hidden office.'],
            ['Best Desk Plants for Low Light', 'Pothos, ZZ plant and snake plant thrive next to your monitor.'],
            ['Ergonomic Setup Checklist', 'Monitor height, chair depth and keyboard position, explained simply.'],
        ],
    },
    {
        name: 'Weekend DIY Projects',
        description: 'Beginner-friendly builds and upcycles you can finish in a weekend.',
        slug: 'weekend-diy',
        pins: [
            ['Upcycled Crate Bookshelf', 'Four wine crates, some sandpaper and a coat of stain.'],
            ['Concrete Planters from Milk Cartons', 'Cheap, modern planters cast in recycled cartons.'],
            ['Rope Wrapped Vase', 'Turn a glass bottle into a textured boho vase in an afternoon.'],
            ['Easy Macrame Wall Hanging', 'Just three knots, step by step, with photos.'],
            ['Painted Terracotta Pots', 'Color-block your plant pots with leftover wall paint.'],
            ['Pallet Wood Herb Garden', 'A vertical herb garden for the balcony, built from one pallet.'],
        ],
    },
    {
        name: 'Holiday Gift Ideas',
        description: 'Thoughtful gifts for everyone on the list, most under $50.',
        slug: 'gift-ideas',
        pins: [
            ['DIY Spice Blend Gift Set', 'Mix three spice blends, print the labels, and tie with twine.'],
            ['Gifts for Coffee Lovers', 'Pour-over kits, local beans and the perfect travel mug.'],
            ['Personalized Recipe Book', 'Collect family recipes into a printed keepsake book.'],
            ['Cozy Night In Gift Basket', 'A candle, hot cocoa, fuzzy socks and a good book.'],
            ['Plant Lover Gift Guide', 'Self-watering pots, propagation stations and rare cuttings.'],
        ],
    },
    {
        name: 'Small Garden Design',
        description: 'Balconies, patios and tiny backyards that feel bigger.',
        slug: 'small-garden',
        pins: [
            ['Balcony Garden on a Budget', 'Rail planters, string lights and a bistro set for under $150.'],
            ['Vertical Vegetable Garden', 'Grow tomatoes, beans and lettuce up instead of out.'],
            ['Japanese-Inspired Courtyard', 'Gravel, moss and a single maple create a calm corner.'],
            ['Container Herb Garden Guide', 'Which herbs share a pot happily, and which need their own.'],
            ['Pollinator-Friendly Patio Plants', 'Lavender, salvia and echinacea bring the bees in.'],
        ],
    },
    {
        name: 'Meal Prep Sunday',
        description: 'Batch cooking plans, freezer meals and healthy lunches for the week.',
        slug: 'meal-prep',
        pins: [
            ['5 Lunches, 1 Hour', 'A full week of grain bowls prepped in a single hour.'],
            ['Freezer Breakfast Burritos', 'Wrap, freeze and reheat in two minutes on busy mornings.'],
            ['Sheet Pan Chicken Fajitas', 'One pan, 30 minutes, and leftovers for tomorrow.'],
            ['Overnight Oats Five Ways', 'Peanut butter, berry, apple pie, mocha and tropical.'],
            ['Vegetarian Meal Prep Plan', 'High-protein lentil, tofu and chickpea recipes for the week.'],
        ],
    },
];

export function seedDemoAccount(emulator: PinterestEmulator, options: SeedOptions = {}): SeededAccount {
    const { state } = emulator;
    const boardCount = options.boards ?? 4;
    const pinsPerBoard = options.pinsPerBoard ?? 12;
    const secretBoards = options.secretBoards ?? 0;
    const app = state.createApp({ trial: options.trial ?? false });
    const username = options.username ?? 'plantbasedkitchen';
    const user = state.createUser({
        username,
        accountType: 'BUSINESS',
        about: 'Easy plant-forward recipes, home ideas and weekend projects.',
        businessName: 'Plant Based Kitchen',
        websiteUrl: 'https://www.example.com',
        followerCount: 1284,
        followingCount: 312,
        monthlyViews: 48210,
    });
    const tokens = state.issueTokens({
        userId: user.id,
        appId: app.appId,
        scopes: [...(options.scopes ?? DEMO_SCOPES)],
        environment: options.environment ?? 'production',
    });

    const boardIds: string[] = [];
    for (let b = 0; b < boardCount; b++) {
        const theme = THEMES[b % THEMES.length] as Theme;
        const round = Math.floor(b / THEMES.length);
        const privacy: BoardPrivacy = b >= boardCount - secretBoards ? 'SECRET' : 'PUBLIC';
        const board = state.createBoard(user.id, {
            name: round === 0 ? theme.name : `${theme.name} ${round + 1}`,
            description: theme.description,
            privacy,
            followerCount: 40 + ((b * 37) % 400),
        });
        boardIds.push(board.id);
        // Older pins first, as a real account grows: the first board's newest pin is 12 days old, its oldest months.
        const createdAt = (i: number) => state.now() - (NEWEST_PIN_DAYS + (pinsPerBoard - 1 - i) * DAYS_BETWEEN_PINS + b * 5) * DAY_MS;
        const created = state.createPins(board.id, pinsPerBoard, (i) => {
            const [title, description] = theme.pins[i % theme.pins.length] as [string, string];
            const repeat = Math.floor(i / theme.pins.length);
            const slug = title
                .toLowerCase()
                .replace(/[^a-z0-9]+/g, '-')
                .replace(/(^-|-$)/g, '');
            return {
                title: repeat === 0 ? title : `${title} (${repeat + 1})`,
                description,
                link: `https://www.example.com/${theme.slug}/${slug}${repeat === 0 ? '' : `-${repeat + 1}`}`,
                alt_text: `Photo: ${title}`,
                image_url: `https://www.example.com/images/${theme.slug}/${slug}-${b}-${i}.jpg`,
                created_at: createdAt(i),
            };
        });
        if (options.imageUrl) {
            for (const [i, pin] of created.entries()) {
                const record = state.pinRecord(pin.id);
                if (record) record.media = { media_type: 'image', images: imageSizes(options.imageUrl(`pin-${b * pinsPerBoard + i}`)) };
            }
        }
    }
    const boards = boardIds.map((id) => state.getBoard(id)).filter((b): b is ApiBoard => b !== undefined);
    return { app, user, tokens, boards };
}
