//! Git LFS pointers: a file stored in Git LFS is, in git (and in a checkout
//! without `git lfs`), a short text naming the real content by hash. A view
//! never hands that text to a check as if it were the file: reading it is
//! [`ReadError::LfsPointer`], a finding ("could not judge"), so a configuration
//! file in LFS can never pass as its pointer text (which assigns nothing).
//!
//! Detection is deliberately wider than git-lfs's own parser: any content that
//! starts like a pointer (`version https://git-lfs.github.com/spec/` or the
//! pre-release `https://hawser.github.com/spec/v1`) counts, whatever its size
//! or the lines after it. Nothing else starts that way, and a pointer git-lfs
//! would smudge but relgate would read as text must not exist.

use super::{Content, ReadError};

const PREFIXES: [&[u8]; 2] = [
    b"version https://git-lfs.github.com/spec/",
    b"version https://hawser.github.com/spec/v1",
];

/// Whether `bytes` are a Git LFS pointer (see the module doc).
pub fn is_pointer(bytes: &[u8]) -> bool {
    PREFIXES.iter().any(|p| bytes.starts_with(p))
}

/// `Err(LfsPointer)` when `content` is a pointer.
pub(crate) fn refuse_pointer(path: &str, content: &Content) -> Result<(), ReadError> {
    if is_pointer(content.bytes()) {
        return Err(ReadError::LfsPointer {
            path: path.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_and_not() {
        let real = b"version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
        assert!(is_pointer(real));
        assert!(is_pointer(b"version https://hawser.github.com/spec/v1\n"));
        assert!(is_pointer(
            b"version https://git-lfs.github.com/spec/v2 whatever"
        ));
        assert!(!is_pointer(b""));
        assert!(!is_pointer(
            b"FLAG=1\nversion https://git-lfs.github.com/spec/v1\n"
        ));
        assert!(!is_pointer(
            b" version https://git-lfs.github.com/spec/v1\n"
        ));
    }
}
