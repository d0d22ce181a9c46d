# Two stages on Apify's Node.js 22 image: the first compiles TypeScript with the dev dependencies,
# the second keeps only the production dependencies and the compiled dist/ folder.
# Images: https://docs.apify.com/sdk/js/docs/guides/docker-images
# They run as the unprivileged user "myuser" in /home/myuser; every COPY hands files to that user.

# ---- Build stage -------------------------------------------------------------
FROM apify/actor-node:22 AS builder
WORKDIR /home/myuser

# package.json and package-lock.json first, so Docker reuses the install layer until dependencies change.
COPY --chown=myuser:myuser package*.json ./

# Everything the lockfile lists, including TypeScript and @apify/tsconfig.
RUN npm ci --include=dev --audit=false --fund=false

# src/, tsconfig.json and tsconfig.build.json (.dockerignore keeps tests, storage and the like out).
COPY --chown=myuser:myuser . ./

# tsc -p tsconfig.build.json -> dist/
RUN npm run build

# ---- Runtime stage -----------------------------------------------------------
FROM apify/actor-node:22
WORKDIR /home/myuser

COPY --chown=myuser:myuser package*.json ./

# Production dependencies only; list them so the build log shows what shipped.
RUN npm --quiet set progress=false \
    && npm ci --omit=dev --omit=optional --audit=false --fund=false \
    && echo "Installed NPM packages:" \
    && (npm list --omit=dev --all || true) \
    && echo "Node.js version:" \
    && node --version \
    && echo "NPM version:" \
    && npm --version \
    && rm -rf ~/.npm

# The compiled JavaScript from the build stage.
COPY --from=builder --chown=myuser:myuser /home/myuser/dist ./dist

# The rest (README, .actor/, sources for stack traces). dist/ and node_modules/ are in .dockerignore,
# so this cannot overwrite what was built or installed above.
COPY --chown=myuser:myuser . ./

CMD npm run start:prod --silent
