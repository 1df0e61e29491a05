# The secure profile of deploy/kafka/kafka.sh (sourced by it when CBEC_PROFILE=secure).
#
# Secrets: <run dir>/kafka/secure.env (mode 600), generated at the first start unless the variables
# are already set: CBEC_KAFKA_ADMIN_PASSWORD, CBEC_KAFKA_CONTROLLER_PASSWORD and one
# <SVC>_KAFKA_SASL_PASSWORD per service (GATEWAY, MANAGEMENT, NOTIFICATION, MONITOR).
# deploy/stack.sh reads the same file to give each service its principal.
# shellcheck shell=bash

SECURE_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SECURE_ENV=$KDIR/secure.env
SECURE_NAMES=(CBEC_KAFKA_ADMIN_PASSWORD CBEC_KAFKA_CONTROLLER_PASSWORD GATEWAY_KAFKA_SASL_PASSWORD
    MANAGEMENT_KAFKA_SASL_PASSWORD NOTIFICATION_KAFKA_SASL_PASSWORD MONITOR_KAFKA_SASL_PASSWORD)
# its own data dir: the admin principal's credential is written when it is formatted
DATA_DIR=$KDIR/data-secure

secure_secrets() {
    mkdir -p "$KDIR"
    if [[ ! -s $SECURE_ENV ]]; then
        local name value
        (
            umask 077
            for name in "${SECURE_NAMES[@]}"; do
                value=${!name:-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')}
                echo "$name=$value"
            done >"$SECURE_ENV.tmp.$$"
            mv "$SECURE_ENV.tmp.$$" "$SECURE_ENV"
        )
        say "secure profile: generated the principals' passwords into $SECURE_ENV"
    fi
    set -a
    # shellcheck disable=SC1090
    source "$SECURE_ENV"
    set +a
    # what wait_ready.py and the provisioning connect with
    export KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT KAFKA_SASL_MECHANISM=SCRAM-SHA-512
    export KAFKA_SASL_USERNAME=cbec-admin KAFKA_SASL_PASSWORD=$CBEC_KAFKA_ADMIN_PASSWORD
}

secure_render() {
    (
        umask 077
        sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
            -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
            -e "s|@ADMIN_PASSWORD@|$CBEC_KAFKA_ADMIN_PASSWORD|g" \
            -e "s|@CONTROLLER_PASSWORD@|$CBEC_KAFKA_CONTROLLER_PASSWORD|g" \
            "$SECURE_HERE/server.properties" >>"$KDIR/server.properties"
    )
    chmod 600 "$KDIR/server.properties"
}

# StorageTool format arguments: the admin principal's SCRAM credential, in the metadata log.
secure_format_args() {
    echo "--add-scram"
    echo "SCRAM-SHA-512=[name=cbec-admin,password=$CBEC_KAFKA_ADMIN_PASSWORD]"
}

# After the broker answers: the services' credentials and ACLs (idempotent).
secure_provision() {
    (cd "$REPO" && KAFKA_BOOTSTRAP_SERVERS=$BOOTSTRAP "$PY" -m shared.kafka.access services) \
        || die "could not set the services' credentials and ACLs"
}
