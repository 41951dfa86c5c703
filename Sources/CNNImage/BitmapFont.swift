// BitmapFont: a 5x7 pixel font for titles in saved grids and for the sample pictures' letters.
//
// Each glyph is 7 rows of 5 pixels, drawn here as `#` (ink) and `.` (background), rows separated by a
// space. Capital letters, digits and a little punctuation; a lowercase letter is drawn as its capital,
// except `x` (as in 3x3), which has a small glyph of its own. Characters without a glyph are drawn as `?`.

/// A tiny fixed-width bitmap font.
public enum BitmapFont {
    /// Pixels per glyph, across and down, before scaling.
    public static let glyphWidth = 5
    /// Rows of one glyph before scaling.
    public static let glyphHeight = 7

    private static let rows: [Character: String] = [
        "A": ".###. #...# #...# ##### #...# #...# #...#", "B": "####. #...# #...# ####. #...# #...# ####.",
        "C": ".###. #...# #.... #.... #.... #...# .###.", "D": "####. #...# #...# #...# #...# #...# ####.",
        "E": "##### #.... #.... ####. #.... #.... #####", "F": "##### #.... #.... ####. #.... #.... #....",
        "G": ".###. #...# #.... #.### #...# #...# .####", "H": "#...# #...# #...# ##### #...# #...# #...#",
        "I": ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.", "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
        "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#", "L": "#.... #.... #.... #.... #.... #.... #####",
        "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#", "N": "#...# #...# ##..# #.#.# #..## #...# #...#",
        "O": ".###. #...# #...# #...# #...# #...# .###.", "P": "####. #...# #...# ####. #.... #.... #....",
        "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#", "R": "####. #...# #...# ####. #.#.. #..#. #...#",
        "S": ".#### #.... #.... .###. ....# ....# ####.", "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
        "U": "#...# #...# #...# #...# #...# #...# .###.", "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
        "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.", "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
        "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..", "Z": "##### ....# ...#. ..#.. .#... #.... #####",
        "0": ".###. #...# #..## #.#.# ##..# #...# .###.", "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
        "2": ".###. #...# ....# ...#. ..#.. .#... #####", "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
        "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.", "5": "##### #.... ####. ....# ....# #...# .###.",
        "6": "..##. .#... #.... ####. #...# #...# .###.", "7": "##### ....# ...#. ..#.. .#... .#... .#...",
        "8": ".###. #...# #...# .###. #...# #...# .###.", "9": ".###. #...# #...# .#### ....# ...#. .##..",
        "x": "..... ..... #...# .#.#. ..#.. .#.#. #...#", " ": "..... ..... ..... ..... ..... ..... .....",
        "-": "..... ..... ..... ##### ..... ..... .....", "_": "..... ..... ..... ..... ..... ..... #####",
        ".": "..... ..... ..... ..... ..... .##.. .##..", ",": "..... ..... ..... ..... .##.. ..#.. .#...",
        ":": "..... .##.. .##.. ..... .##.. .##.. .....", "=": "..... ..... ##### ..... ##### ..... .....",
        "[": ".###. .#... .#... .#... .#... .#... .###.", "]": ".###. ...#. ...#. ...#. ...#. ...#. .###.",
        "(": "...#. ..#.. .#... .#... .#... ..#.. ...#.", ")": ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
        "+": "..... ..#.. ..#.. ##### ..#.. ..#.. .....", "/": "..... ....# ...#. ..#.. .#... #.... .....",
        "*": "..... ..#.. #.#.# .###. #.#.# ..#.. .....", "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
    ]

    /// The ink pattern of one character: 7 rows of 5 flags.
    static func glyph(_ character: Character) -> [[Bool]] {
        let text = rows[character] ?? rows[Character(character.uppercased())] ?? rows["?"] ?? ""
        return text.split(separator: " ").map { row in row.map { $0 == "#" } }
    }

    /// The width in pixels of `text` drawn at `scale` (one blank column between glyphs).
    public static func width(of text: String, scale: Int) -> Int {
        guard !text.isEmpty else { return 0 }
        return (text.count * (glyphWidth + 1) - 1) * scale
    }

    /// Draws `text` with its top-left corner at (`x`, `y`) into a one-channel pixel buffer of `width`
    /// columns and `height` rows, each font pixel a `scale` x `scale` square of `ink`. Pixels falling
    /// outside the buffer are skipped.
    public static func draw(_ text: String, into pixels: inout [UInt8], width: Int, height: Int,
                            x: Int, y: Int, scale: Int, ink: UInt8) {
        var left = x
        for character in text {
            for (row, flags) in glyph(character).enumerated() {
                for (column, isInk) in flags.enumerated() where isInk {
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            let py = y + row * scale + dy
                            let px = left + column * scale + dx
                            if py >= 0, py < height, px >= 0, px < width { pixels[py * width + px] = ink }
                        }
                    }
                }
            }
            left += (glyphWidth + 1) * scale
        }
    }
}
