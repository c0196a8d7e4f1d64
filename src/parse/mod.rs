//! Parsers produce facts; checks judge them. Each module is pure (bytes in,
//! facts with positions out) and has table tests next to it.

pub mod allowed_signers;
pub mod assign;
pub mod dates;
pub mod encoding;
pub mod json;
pub mod junit;
pub mod lines;
pub mod markdown;
pub mod narrow;
pub mod structured;
pub mod toml;
pub mod value;
pub mod yaml;

thread_local! {
    /// Set while [`guarded`] runs on this thread.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs a third-party parser so that a panic inside it is caught and becomes the
/// caller's "the parser failed" answer (a finding: never a pass), not a crash of the
/// run. [`panic_is_guarded`] tells the process's panic hook, which runs before the
/// panic is caught, not to announce an internal error for it.
pub(crate) fn guarded<T>(read: impl FnOnce() -> T) -> std::thread::Result<T> {
    let before = GUARDED.with(|g| g.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    GUARDED.with(|g| g.set(before));
    result
}

/// Lets the tests prove that a parser's panic is a finding, not a crash (debug builds
/// only): with `RELGATE_DEBUG_PANIC=parser`, parsing a text that spells
/// `RELGATE_DEBUG_PANIC` panics.
pub(crate) fn debug_panic(text: &str) {
    #[cfg(debug_assertions)]
    if text.contains("RELGATE_DEBUG_PANIC")
        && std::env::var("RELGATE_DEBUG_PANIC").as_deref() == Ok("parser")
    {
        panic!("RELGATE_DEBUG_PANIC=parser is set");
    }
    let _ = text;
}

/// Whether a panic on this thread happens inside [`guarded`] (and is caught there).
pub fn panic_is_guarded() -> bool {
    GUARDED.with(std::cell::Cell::get)
}

/// Robustness: mangled inputs never panic, in any parser.
#[cfg(test)]
mod no_panic {
    use super::assign::{ConfigFormat, find_assignments};
    use super::junit::parse_junit;

    const SEEDS: &[&str] = &[
        "a:\n  - b: [1, {c: 'd'}]\n  - &x {e: *x}\n---\nf: \"g\\u00e9\"\n<<: {h: 1}\n",
        "{\"a\": [1, -2.5e3, true, null, {\"b\": \"\\ud83d\\ude00\"}], \"c\": {}}",
        "[t]\na = 1\nb.c = [1, {d = 'e'}]\n[[f]]\ng = 1979-05-27\n",
        "# c\nexport NAME='x' # y\nNAME=\"a\\\"b\"\nA=1 NAME=$(x \"y\") cmd; NAME=${Z:-1} && z\n",
        "# escape=`\nFROM x\nENV NAME=1 `\n  B=\"2 3\"\nARG NAME\nENV NAME v w\n",
        "<?xml version=\"1.0\"?><testsuites><testsuite name=\"a\" tests=\"1\"><testcase><failure>&amp;</failure></testcase></testsuite></testsuites>",
    ];

    /// A small deterministic generator (xorshift), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    fn mangle(seed: &str, rng: &mut Rng) -> String {
        const PIECES: &[&str] = &[
            "{", "}", "[", "]", "\"", "'", ":", ",", "\n", " ", "\\", "#", "=", "-", "&", "*", "<",
            ">", "/", "é", "\u{feff}", "$", "(", ")", "`", "NAME", "\t", "\r", "!", "?",
        ];
        let mut chars: Vec<String> = seed.chars().map(String::from).collect();
        for _ in 0..=rng.below(6) {
            let at = rng.below(chars.len() + 1);
            match rng.below(3) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 if at < chars.len() => {
                    chars.truncate(at);
                }
                _ => chars.insert(at, PIECES[rng.below(PIECES.len())].to_owned()),
            }
        }
        chars.concat()
    }

    #[test]
    fn mangled_inputs_never_panic() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let formats = [
            ConfigFormat::Yaml,
            ConfigFormat::Json,
            ConfigFormat::Toml,
            ConfigFormat::Shell,
            ConfigFormat::Dotenv,
            ConfigFormat::Dockerfile,
        ];
        for _ in 0..300 {
            for seed in SEEDS {
                let text = mangle(seed, &mut rng);
                for format in formats {
                    if let Err(e) = find_assignments(format, &text, "NAME") {
                        assert!(e.line >= 1 && e.column >= 1, "{text:?}: {e:?}");
                    }
                }
                if let Err(e) = parse_junit(&text) {
                    assert!(e.line >= 1 && e.column >= 1, "{text:?}: {e:?}");
                }
            }
        }
    }
}
