#!/usr/bin/env bash
# The secure profile's passwords as NAME=value lines: each from the environment when set there,
# else random. Used by profile.sh (into <run dir>/kafka/secure.env, `make up PROFILE=secure`) and
# for docker-compose.secure.yml:   deploy/kafka/secure/secrets.sh >> .env   (.env is not in git)
# Values: letters and digits (they are written into JAAS lines).
set -euo pipefail
for name in CBEC_KAFKA_ADMIN_PASSWORD CBEC_KAFKA_CONTROLLER_PASSWORD GATEWAY_KAFKA_SASL_PASSWORD \
    MANAGEMENT_KAFKA_SASL_PASSWORD NOTIFICATION_KAFKA_SASL_PASSWORD MONITOR_KAFKA_SASL_PASSWORD; do
    value=${!name:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}
    [[ $value =~ ^[A-Za-z0-9_-]+$ ]] || { echo "secrets.sh: $name must be letters, digits, _ or -" >&2; exit 1; }
    echo "$name=$value"
done
