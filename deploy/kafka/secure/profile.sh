# The secure profile of deploy/kafka/kafka.sh (sourced by it when CBEC_PROFILE=secure).
#
# Secrets: <run dir>/kafka/secure.env (mode 600), written by secrets.sh at the first start (each
# password from the environment when set, else random): CBEC_KAFKA_ADMIN_PASSWORD,
# CBEC_KAFKA_CONTROLLER_PASSWORD and one <SVC>_KAFKA_SASL_PASSWORD per service.
# deploy/stack.sh reads the same file to give each service its principal.
# shellcheck shell=bash

SECURE_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SECURE_ENV=$KDIR/secure.env
# its own data dir: the admin principal's credential is written when it is formatted
DATA_NAME=data-secure

secure_secrets() {
    mkdir -p "$KDIR"
    if [[ ! -s $SECURE_ENV ]]; then
        (umask 077 && "$SECURE_HERE/secrets.sh" >"$SECURE_ENV.tmp.$$") || die "could not write the secrets"
        mv "$SECURE_ENV.tmp.$$" "$SECURE_ENV"
        say "secure profile: the principals' passwords are in $SECURE_ENV"
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
    (cd "$REPO" && KAFKA_BOOTSTRAP_SERVERS=$(bootstrap) "$PY" -m shared.kafka.access services) \
        || die "could not set the services' credentials and ACLs"
}
