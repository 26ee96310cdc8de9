# Shared by the scripts: installs missing Debian packages (as root) and configures the build.
set -euo pipefail
WARDEN_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WARDEN_BUILD=${WARDEN_BUILD:-$WARDEN_ROOT/build}
source "$WARDEN_ROOT/scripts/services.sh"

# The packages the library, its tools and examples need to build.
# zlib1g-dev, libargon2-dev and libcrypt-dev: Django's compressed signed sessions and its
# Argon2 and bcrypt password hashers (docs/django-crypto.md).
WARDEN_BUILD_PACKAGES=(g++ cmake ninja-build ccache pkg-config libboost1.81-dev libboost-json1.81-dev
                       libssl-dev libsqlite3-dev openssl zlib1g-dev libargon2-dev libcrypt-dev libpq-dev libhiredis-dev)
# What the test suite needs on top: Catch2, Google Benchmark (benchmarks build with the
# project), Python with Django REST Framework for the conformance suite, PyJWT for
# interoperability tests, argon2-cffi and bcrypt for Django's own Argon2 and bcrypt hashers
# in the password cross-checks; private PostgreSQL and Redis servers (scripts/services.sh)
# for the network stores; psycopg2 for the DRF site over PostgreSQL (tests/django/); the
# JWT benchmark's peers (cpp-jwt, libjwt), so that bench_jwt always builds with them.
WARDEN_TEST_PACKAGES=(catch2 libbenchmark-dev python3 python3-djangorestframework
                      python3-djangorestframework-simplejwt gunicorn python3-jwt python3-argon2 python3-bcrypt
                      python3-psycopg2 postgresql-15 redis-server libcpp-jwt-dev nlohmann-json3-dev libjwt-dev)
# The browser tests' headless Chromium, its WebDriver and Selenium (tests/browser/).
WARDEN_BROWSER_PACKAGES=(chromium chromium-driver python3-selenium)

ensure_packages() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "warden: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
        exit 1
    fi
    echo "warden: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Configures $WARDEN_BUILD (Release). WARDEN_OPT sets the optimisation of that build:
# -O3 by default (what the server and the benchmarks are measured with); the test run
# uses -O1, which compiles the template-heavy tests markedly faster and tests the same
# code. The value is passed on every configure, so builds sharing a folder switch cleanly
# (ccache keeps both).
configure() {
    cmake -S "$WARDEN_ROOT" -B "$WARDEN_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
          -DCMAKE_CXX_FLAGS_RELEASE="${WARDEN_OPT:--O3} -DNDEBUG" \
          -DCMAKE_CXX_COMPILER_LAUNCHER=ccache "$@" >/dev/null
}
