#!/bin/sh
# Runs the test binary's [browser] tests, or reports them skipped (exit status 77, the
# ctest SKIP_RETURN_CODE of html_browser) when Debian's chromium is not installed.
# Usage: run_browser_tests.sh PATH/TO/ah_tests. AH_CHROMIUM overrides /usr/bin/chromium.
set -u
tests=$1
chromium=${AH_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "SKIPPED: $chromium not found; the [browser] tests need Debian's chromium package" \
         "(apt-get install chromium; scripts/test.sh installs it)"
    exit 77
fi
AH_CHROMIUM=$chromium
export AH_CHROMIUM
exec "$tests" "[browser]"
