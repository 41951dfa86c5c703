#!/bin/sh
# Fuzz/make_corpus.sh: writes the seed corpora into .build-fuzz/seeds-language and .build-fuzz/seeds-files.
#   language: every lesson, the entries of every transcript (one file per transcript), every hostile input,
#             and two long histories of one variable (about 300 KB each).
#   files:    every .npy and picture fixture, each prefixed with the byte that selects its reader
#             (0 .npy, 1 PNG, 2 PGM, 3 PPM, 4 IDX, 5 .npz, 6 CIFAR binary, 7 CIFAR pickle, 8 JPEG, 9 .keras,
#             10 a Keras JSON config, 11 HDF5 weights of one small model; see Fuzz/FileFuzzer.swift), the data set fixtures of
#             Tests/CNNDataTests/Fixtures, and the Keras models of Tests/CNNKerasTests/Fixtures (bad ones too).
set -eu
cd "$(dirname "$0")/.."
OUT=.build-fuzz
rm -rf "$OUT/seeds-language" "$OUT/seeds-files"
mkdir -p "$OUT/seeds-language" "$OUT/seeds-files"
for f in lessons/*.cnn Tests/cnnreplTests/hostile/*; do
    cp "$f" "$OUT/seeds-language/$(basename "$f")"
done
for f in transcripts/*.txt; do
    # Typed entries start with "cnn> ", continuation lines with "...> ".
    sed -n 's/^cnn> //p; s/^\.\.\.> //p' "$f" > "$OUT/seeds-language/transcript-$(basename "$f" .txt).cnn"
done
# Long histories of one variable (issue 13: teardown of 30,000 steps overflowed the stack), near 1 MB.
awk 'BEGIN { print "a = 1"; for (i = 0; i < 30000; i++) print "a = a + 1" }' > "$OUT/seeds-language/long-history.cnn"
awk 'BEGIN { print "x = rand(3, 3)"; for (i = 0; i < 20000; i++) print "x = conv(x, ones(1, 1))"; print "x = 0" }' \
    > "$OUT/seeds-language/long-chain-replaced.cnn"
for f in Tests/CNNCoreTests/Fixtures/npy/*.npy Tests/CNNImageTests/Fixtures/images/* lessons/data/* Sources/CSamplePhotos/photos/* \
         Tests/CNNKerasTests/Fixtures/models/*.keras Tests/CNNKerasTests/Fixtures/models/*.json; do
    case "$f" in
        *.keras) byte='\011' ;;
        *.json) byte='\012' ;;
        *.npy) byte='\000' ;;
        *.png) byte='\001' ;;
        *.pgm) byte='\002' ;;
        *.ppm) byte='\003' ;;
        *.jpg) byte='\010' ;;
        *) continue ;;
    esac
    { printf "$byte"; cat "$f"; } > "$OUT/seeds-files/$(basename "$f")"
done
for f in $(find Tests/CNNDataTests/Fixtures -type f ! -path '*/expected/*' ! -name expect.txt); do
    name=$(echo "$f" | sed 's|Tests/CNNDataTests/Fixtures/||; s|/|-|g')
    case "$f" in
        */hostile/idx-*|*idx?-ubyte*) byte='\004' ;;
        *.npz) byte='\005' ;;
        *.bin) byte='\006' ;;
        *batches-py/*|*protocol*|*/hostile/pickle-*) byte='\007' ;;
        *) continue ;;
    esac
    { printf "$byte"; cat "$f"; } > "$OUT/seeds-files/data-$name"
done
# The HDF5 weights of seq_cnn.keras alone (selector 11: libhdf5 without the zip's CRC in front of it).
python3 -c "import sys, zipfile; sys.stdout.buffer.write(b'\\013' + zipfile.ZipFile('Tests/CNNKerasTests/Fixtures/models/seq_cnn.keras').read('model.weights.h5'))" \
    > "$OUT/seeds-files/seq_cnn-weights.h5"
echo "seeds: $(ls "$OUT/seeds-language" | wc -l) language, $(ls "$OUT/seeds-files" | wc -l) files"
