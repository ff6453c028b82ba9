#!/bin/sh
# Builds the libFuzzer targets with AddressSanitizer: fuzz/.build/template-fuzzer (the template language),
# fuzz/.build/config-fuzzer (a whole config file), each from the Rules and JSON sources, and
# fuzz/.build/form-fuzzer (form bodies: multipart, urlencoded, JSON, bad UTF-8) from the Intake sources too.
# Usage: fuzz/build.sh [template|config|form]   (default: all); see docs/fuzzing.md for running them.
set -eu
cd "$(dirname "$0")/.."
out=fuzz/.build
targets=${1:-"template config form"}
mkdir -p "$out/corpus/template" "$out/corpus/config" "$out/corpus/form"
flags="-sanitize=fuzzer,address -parse-as-library -swift-version 6 -g -Onone"
# JSON first, as its own module: Rules imports it.
swiftc $flags -module-name JSON -emit-module -emit-module-path "$out/JSON.swiftmodule" \
    -emit-library -static -o "$out/libJSON.a" Sources/JSON/*.swift
# Rules and the entry point as one module, so that the entry can reach the loader's internals; libyaml through
# the CYAML module map.
for target in $targets; do
    if [ "$target" = form ]; then
        # Logging, HTTP and Rules as libraries, then Intake with the entry point; OpenSSL and zlib linked.
        swiftc $flags -module-name Logging -I "$out" -emit-module -emit-module-path "$out/Logging.swiftmodule" \
            -emit-library -static -o "$out/libLogging.a" Sources/Logging/*.swift
        swiftc $flags -module-name HTTP -I "$out" -I Sources/COpenSSL -I Sources/CPosix -I Sources/CZlib \
            -emit-module -emit-module-path "$out/HTTP.swiftmodule" -emit-library -static -o "$out/libHTTP.a" \
            $(find Sources/HTTP -name '*.swift')
        swiftc $flags -module-name Rules -I "$out" -I Sources/CYAML -emit-module -emit-module-path "$out/Rules.swiftmodule" \
            -emit-library -static -o "$out/libRules.a" $(find Sources/Rules -name '*.swift')
        swiftc $flags -module-name Intake -I "$out" -I Sources/COpenSSL -I Sources/CPosix -I Sources/CZlib -I Sources/CYAML \
            -emit-module -emit-module-path "$out/Intake.swiftmodule" -emit-library -static -o "$out/libIntake.a" \
            $(find Sources/Intake -name '*.swift')
        swiftc $flags -module-name FormFuzz -I "$out" -I Sources/COpenSSL -I Sources/CPosix -I Sources/CZlib \
            -I Sources/CYAML -o "$out/form-fuzzer" -L "$out" fuzz/FormFuzzer.swift \
            -lIntake -lRules -lHTTP -lLogging -lJSON -lyaml -lssl -lcrypto -lz
        echo "built $out/form-fuzzer"
        continue
    fi
    case $target in
    template) entry=fuzz/TemplateFuzzer.swift ;;
    config) entry=fuzz/ConfigFuzzer.swift ;;
    *) echo "unknown target '$target' (template, config, form)" >&2; exit 2 ;;
    esac
    swiftc $flags -module-name RulesFuzz -I "$out" -I Sources/CYAML \
        -o "$out/$target-fuzzer" -L "$out" -lJSON \
        $(find Sources/Rules -name '*.swift') "$entry" -lyaml
    echo "built $out/$target-fuzzer"
done
