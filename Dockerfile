# boardpaper's HTTP service as an OCI image: `docker build -t boardpaper .`
# Runs as an unprivileged user, holds no state (the render cache is a mounted folder),
# and answers /healthz for the orchestrator. See docs/deploy.md.
FROM python:3.11-slim-bookworm

# The system libraries and fonts the papers need, from the same list the project uses
# (scripts/setup-system.sh): Pango, HarfBuzz's subsetter, Liberation (Arial metrics),
# DejaVu and Noto fallbacks, fontconfig.
COPY scripts/setup-system.sh /tmp/setup-system.sh
RUN /tmp/setup-system.sh && rm -rf /var/lib/apt/lists/* /tmp/setup-system.sh

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY src ./src
COPY templates ./templates
RUN pip install --no-cache-dir -c constraints.txt . \
    && useradd --create-home --uid 10001 boardpaper \
    && mkdir -p /cache && chown boardpaper /cache

USER boardpaper
ENV BOARDPAPER_CACHE_DIR=/cache \
    PYTHONDONTWRITEBYTECODE=1
VOLUME ["/cache"]
EXPOSE 8000

HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

# One render worker per core the container is given; set BOARDPAPER_TOKEN for the API.
# Listening on all interfaces is what a container needs; the token guards the API.
CMD ["boardpaper", "serve", "--host", "0.0.0.0", "--port", "8000"]
