#!/bin/sh
# A Java runtime with only the modules an application needs (jlink), for the forge3d-api image.
#   docker/jlink-runtime.sh APP_DIR OUTPUT_DIR
# APP_DIR holds the application as `java -Djarmode=tools -jar app.jar extract` writes it: the application's jar and
# lib/*.jar (the layer directories of `extract --layers` are searched too). jdeps lists the modules the classes
# refer to; EXTRA_MODULES adds those only reached by reflection or service loading, which jdeps cannot see.
# JAVA_HOME (default: the java on PATH) is the JDK whose modules are linked.
set -eu
app="$1"
out="$2"
jdk="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
# java.naming + jdk.naming.dns: JNDI look-ups (Hikari, Tomcat) and DNS SRV; jdk.charsets: PostgreSQL client
# encodings beyond UTF-8; jdk.zipfs: libraries that read jars as file systems; jdk.crypto.cryptoki: PKCS#11 keys;
# java.management + jdk.management: actuator's JVM metrics; jdk.jfr: Micrometer's JFR metrics.
# No default CDS archive (--generate-cds-archive, 29 MB): the API image starts from its own AOT cache.
EXTRA_MODULES="${EXTRA_MODULES:-java.naming,jdk.naming.dns,jdk.charsets,jdk.zipfs,jdk.crypto.cryptoki,java.management,jdk.management,jdk.jfr}"

jars=$(find "$app" -name '*.jar' | sort)
main=""
cp=""
for j in $jars; do
  case "$j" in
    */lib/*) cp="${cp:+$cp:}$j" ;;
    *) main="${main:+$main }$j" ;;
  esac
done
[ -n "$main" ] || { echo "jlink-runtime: no application jar under $app" >&2; exit 1; }
# shellcheck disable=SC2086
modules=$("$jdk/bin/jdeps" --ignore-missing-deps -q --multi-release "$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 \
  | sed -n 's/^ *java.specification.version = //p')" --print-module-deps --class-path "$cp" $main)
echo "jlink-runtime: jdeps found $modules; adding $EXTRA_MODULES" >&2
rm -rf "$out"
"$jdk/bin/jlink" --add-modules "$modules,$EXTRA_MODULES" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$out"
echo "jlink-runtime: $(du -sh "$out" | cut -f1) in $out" >&2
