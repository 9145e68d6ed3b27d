# MariaDB for the tests (docs/mariadb.md), sourced by .ci/run as root, which calls start_mariadb.
# Installs mariadb-server when missing, starts it on 127.0.0.1:3306 (no systemd here: the SysV script, else
# mysqld_safe), makes database aopsql_tests and user aopsql/aopsql, and hands the tests their connection string in
# AOPSQL_MARIADB (kept when already set). Safe to run again: every step checks first.
# Returns 1, saying why, when it cannot install, start or set up the server: `start_mariadb` makes that fail the
# run under `set -e`, `start_mariadb || echo "…"` goes on with the MariaDB tests skipped. Every step is checked
# explicitly, so it behaves the same with or without `set -e`.

mariadb_answers() {
    mariadb-admin --protocol=socket -uroot ping >/dev/null 2>&1
}

start_mariadb() {
    if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
        echo "installing mariadb-server" >&2
        if ! apt-get update -qq || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null; then
            echo "mariadb-server could not be installed" >&2
            return 1
        fi
    fi

    if ! mariadb_answers; then
        # The Debian package's init script starts mysqld_safe; where it cannot, start mysqld_safe ourselves.
        if ! service mariadb start >/dev/null 2>&1; then
            mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
            (mysqld_safe --bind-address=127.0.0.1 --port=3306 >/dev/null 2>&1 &)
        fi
        for _ in $(seq 1 60); do
            mariadb_answers && break
            sleep 1
        done
        if ! mariadb_answers; then
            echo "MariaDB did not start within 60 s" >&2
            return 1
        fi
    fi

    # Root logs in through the socket (unix_socket authentication, Debian's default for root).
    if ! mariadb --protocol=socket -uroot <<'SQL'
CREATE DATABASE IF NOT EXISTS aopsql_tests;
CREATE USER IF NOT EXISTS 'aopsql'@'localhost' IDENTIFIED BY 'aopsql';
CREATE USER IF NOT EXISTS 'aopsql'@'127.0.0.1' IDENTIFIED BY 'aopsql';
GRANT ALL PRIVILEGES ON aopsql_tests.* TO 'aopsql'@'localhost';
GRANT ALL PRIVILEGES ON aopsql_tests.* TO 'aopsql'@'127.0.0.1';
SQL
    then
        echo "MariaDB: database aopsql_tests or user aopsql could not be set up" >&2
        return 1
    fi

    if [ -z "${AOPSQL_MARIADB:-}" ]; then
        export AOPSQL_MARIADB="Server=127.0.0.1;Port=3306;User ID=aopsql;Password=aopsql;Database=aopsql_tests"
    fi
}
