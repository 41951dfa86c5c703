#!/bin/sh
# Fuzz/build.sh: builds the libFuzzer targets (docs/FUZZING.md).
#   Fuzz/build.sh            -> .build-fuzz/fuzz-language and .build-fuzz/fuzz-files
# The package's libraries are built with coverage instrumentation and AddressSanitizer in their own
# scratch folder (.build-fuzz), so `swift build` and `swift test` are unaffected; each harness is then
# compiled and linked against them with swiftc.
set -eu
cd "$(dirname "$0")/.."
SCRATCH=.build-fuzz
FLAGS="-sanitize=fuzzer,address"
swift build --scratch-path "$SCRATCH" --target CNNSession -Xswiftc -sanitize=fuzzer,address \
    -Xswiftc -parse-as-library
BIN="$SCRATCH/debug"
# Every object of the libraries the harnesses need (not the executables).
rm -f "$SCRATCH/fuzz-language.new" "$SCRATCH/fuzz-files.new"
OBJECTS=""
for module in CCallbackFile CSamplePhotos CNNCore CNNImage CNNData ZIPFoundation CNNKeras CNNScript CNNCodegen CNNExplain CNNSession; do
    OBJECTS="$OBJECTS $(find "$BIN/$module.build" -name '*.o' | tr '\n' ' ')"
done
COMMON="$FLAGS -parse-as-library -g -I $BIN/Modules -Xcc -fmodule-map-file=Sources/CMalloc/module.modulemap -Xcc -fmodule-map-file=Sources/CPNG/module.modulemap -Xcc -fmodule-map-file=Sources/CSystemZlib/module.modulemap -Xcc -fmodule-map-file=Sources/CHDF5/module.modulemap -Xcc -fmodule-map-file=.build-fuzz/checkouts/ZIPFoundation/Sources/CZLib/module.modulemap $(pkg-config --cflags hdf5 | sed 's/-I/-Xcc -I/g') -Xcc -fmodule-map-file=Sources/CTurboJPEG/module.modulemap -Xcc -fmodule-map-file=$BIN/CSamplePhotos.build/module.modulemap -Xcc -fmodule-map-file=$BIN/CCallbackFile.build/module.modulemap -Xcc -ISources/CSamplePhotos/include -lpng16 -lturbojpeg -lz -lm $(pkg-config --libs hdf5)"
# shellcheck disable=SC2086
swiftc $COMMON -module-name FuzzLanguage Fuzz/LanguageFuzzer.swift $OBJECTS -o "$SCRATCH/fuzz-language.new" 2>&1 | grep -v "ld.gold: warning" || true
# shellcheck disable=SC2086
swiftc $COMMON -module-name FuzzFiles Fuzz/FileFuzzer.swift $OBJECTS -o "$SCRATCH/fuzz-files.new" 2>&1 | grep -v "ld.gold: warning" || true
# Replaced by renaming, so a fuzzer running from the old files restarts its workers from whole files.
mv "$SCRATCH/fuzz-language.new" "$SCRATCH/fuzz-language"
mv "$SCRATCH/fuzz-files.new" "$SCRATCH/fuzz-files"
echo "built $SCRATCH/fuzz-language and $SCRATCH/fuzz-files"
