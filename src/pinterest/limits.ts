/**
 * Pinterest's field limits, from the OpenAPI description (PinCreate) and the API notes. The request schemas and
 * the Actor's input validation both read them here, so a limit is written once.
 */
export const PIN_LIMITS = {
    title: 100,
    description: 800,
    altText: 500,
    link: 2048,
    mediaUrl: 2048,
    /** `multiple_image_urls` items. */
    carouselMin: 2,
    carouselMax: 5,
    /** Pinterest ids are 64-bit integers: at most 20 digits. */
    idDigits: 20,
} as const;
