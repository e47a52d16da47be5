# introbot in a container: the daemon as an unprivileged user; config in /etc/introbot, state in
# /var/lib/introbot (mount both). Build: docker build -t introbot .
# Run:   docker run -d --name introbot -v /srv/introbot/etc:/etc/introbot:ro \
#          -v /srv/introbot/state:/var/lib/introbot --env-file /srv/introbot/environment introbot
# The config must put bot.database and bot.heartbeat_file under /var/lib/introbot.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 INTROBOT_CONFIG=/etc/introbot/config.toml
COPY . /src
RUN python3 -m venv /opt/introbot \
 && /opt/introbot/bin/pip install --no-cache-dir --quiet -c /src/constraints.txt /src \
 && /opt/introbot/bin/introbot preview introduction --config /src/config.example.toml > /dev/null
RUN useradd --system --home-dir /var/lib/introbot --create-home --shell /usr/sbin/nologin introbot

USER introbot
WORKDIR /var/lib/introbot
VOLUME ["/var/lib/introbot"]
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s CMD ["/opt/introbot/bin/introbot", "status", "--check"]
ENTRYPOINT ["/opt/introbot/bin/introbot"]
CMD ["run"]
