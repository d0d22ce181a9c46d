# Two stages on Apify's Node.js 22 image: the first installs the dependencies and bundles the Actor with esbuild
# (scripts/build.mjs), the second holds only that bundle. The bundle needs no node_modules, no sources and no npm:
# the runtime stage installs nothing, and the auth helper (src/auth, a local command-line tool) is not in it.
# Images: https://docs.apify.com/sdk/js/docs/guides/docker-images
# They run as the unprivileged user "myuser" in /home/myuser; every COPY hands files to that user.

# ---- Build stage -------------------------------------------------------------
FROM apify/actor-node:22 AS builder
WORKDIR /home/myuser

# package.json and package-lock.json first, so Docker reuses the install layer until dependencies change.
COPY --chown=myuser:myuser package*.json ./

# Everything the lockfile lists, including esbuild.
RUN npm ci --include=dev --audit=false --fund=false

# src/ and scripts/build.mjs (.dockerignore keeps tests, storage, secrets and the like out).
COPY --chown=myuser:myuser . ./

# esbuild -> dist/main.js and dist/chunks/ (ES modules, with dist/package.json saying so).
RUN npm run build

# ---- Runtime stage -----------------------------------------------------------
FROM apify/actor-node:22
WORKDIR /home/myuser

COPY --from=builder --chown=myuser:myuser /home/myuser/dist ./dist

# node itself, not `npm run`: npm would be a second Node.js process with its own start-up time and memory (`exec`
# replaces the shell, so node is the container's main process). The heap flags make V8 collect garbage long before
# the run's memory limit (ACTOR_MEMORY_MBYTES, set by the platform): a 1 MB young generation and an old generation
# of half the memory. Without them V8 sizes its heap for the whole machine and a 10,000-pin run peaks near 145 MB.
# --no-concurrent-recompilation optimises on the main thread: the background compiler thread holds about 6 MB.
# test/e2e/harness.ts (imageNodeArgs) starts the end-to-end tests and the benchmark the same way, and
# test/unit/image.test.ts checks that the flags here and there agree.
CMD exec node --max-semi-space-size=1 --max-old-space-size=$(( ${ACTOR_MEMORY_MBYTES:-1024} / 2 )) --no-concurrent-recompilation dist/main.js

# Node 22 keeps compiled code here and reuses it at every start instead of compiling the bundle again. The cache is
# only used under the same V8 flags, so warm it for each usual memory size with the CMD's flags: a run without input
# stops at the input check (exit code 1) after loading the whole start-up path, and the grep makes the image build
# fail if the bundle cannot even get that far.
ENV NODE_COMPILE_CACHE=/home/myuser/.cache/node-compile-cache
RUN for memory in 128 256 512 1024 2048 4096; do \
        (CRAWLEE_STORAGE_DIR=/tmp/warm-up node --max-semi-space-size=1 --max-old-space-size=$(( memory / 2 )) --no-concurrent-recompilation dist/main.js 2>&1 || true) \
            | grep -q 'accessToken' || exit 1; \
    done \
    && rm -rf /tmp/warm-up \
    && echo "Node.js $(node --version): compile cache warmed."
