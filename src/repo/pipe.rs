//! A listing walked on one thread and stored on another, which may not yet know
//! what to keep.
//!
//! A run that reads its policies first lists only what they can reach
//! ([`Builder::keeping`]). Told before the walk starts, the walk would wait for the
//! policies' load, and the matching of every path and the case fold would run on the
//! walk's one thread. Through a [`Pipe`], the walk starts at once and hands its
//! entries in batches to a builder on a thread of its own. The builder folds and
//! stores every entry until the policies' answer comes ([`Later`], looked at between
//! batches), filters then what it stored before, and from then on stores only what
//! they keep ([`Builder::keep_from_now`]). The load, the walk,
//! and the matching and folding run side by side, and nothing waits for the load but
//! the end of the listing. On a large repository the answer comes while the first
//! few blocks are listed, so a listing never holds much it does not keep. A pipe
//! holds at most [`DEPTH`] batches of [`BATCH`] entries (about 1 MB) while the builder
//! is behind: the walk then waits.

use super::entries::{Builder, Keep};
use super::{EntryKind, OpenError};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

/// Which paths a listing keeps, told once the policies that decide it are loaded:
/// `None` (or a sender gone without a word) keeps every entry.
pub(crate) type Later = Receiver<Option<Keep>>;

/// Where a walk puts what it lists: a [`Builder`], or a [`Pipe`] to one.
pub(crate) trait Sink<T> {
    /// As [`Builder::push_bytes`].
    fn push_bytes(
        &mut self,
        rel: &[u8],
        kind: EntryKind,
        mode: u32,
        item: T,
    ) -> Result<(), OpenError>;

    /// Entries listed so far (what [`super::object::MAX_ENTRIES`] bounds).
    fn listed(&self) -> usize;

    /// Forgets every entry given so far (the index changed while it was read, and is
    /// read again whole); an error where they are gone already.
    fn restart(&mut self) -> Result<(), OpenError>;
}

impl<T: Clone> Sink<T> for Builder<T> {
    fn push_bytes(
        &mut self,
        rel: &[u8],
        kind: EntryKind,
        mode: u32,
        item: T,
    ) -> Result<(), OpenError> {
        Builder::push_bytes(self, rel, kind, mode, item)
    }

    fn listed(&self) -> usize {
        Builder::listed(self)
    }

    fn restart(&mut self) -> Result<(), OpenError> {
        Builder::restart(self);
        Ok(())
    }
}

/// Entries sent at a time.
const BATCH: usize = 1024;
/// Batches in flight before the walk waits for the builder.
const DEPTH: usize = 16;

/// Entries in one buffer: a path costs its bytes, not an allocation of its own.
struct Batch<T> {
    paths: Vec<u8>,
    each: Vec<(u32, EntryKind, u32, T)>,
}

impl<T> Batch<T> {
    fn new() -> Self {
        Batch {
            paths: Vec::with_capacity(BATCH * 32),
            each: Vec::with_capacity(BATCH),
        }
    }
}

/// The walk's end of a pipe.
pub(crate) struct Pipe<T> {
    batch: Batch<T>,
    tx: SyncSender<Batch<T>>,
    listed: usize,
}

impl<T> Pipe<T> {
    /// Sends the batch being filled; an error when the builder stopped (it says why).
    fn send(&mut self) -> Result<(), OpenError> {
        if self.batch.each.is_empty() {
            return Ok(());
        }
        let full = std::mem::replace(&mut self.batch, Batch::new());
        self.tx
            .send(full)
            .map_err(|_| OpenError::Git("the listing stopped".into()))
    }
}

impl<T> Sink<T> for Pipe<T> {
    fn push_bytes(
        &mut self,
        rel: &[u8],
        kind: EntryKind,
        mode: u32,
        item: T,
    ) -> Result<(), OpenError> {
        self.batch.paths.extend_from_slice(rel);
        // A path over `u32` is refused by the builder, whatever its end here says.
        let end = u32::try_from(self.batch.paths.len()).unwrap_or(u32::MAX);
        self.batch.each.push((end, kind, mode, item));
        self.listed += 1;
        if self.batch.each.len() == BATCH || self.batch.paths.len() > u32::MAX as usize / 2 {
            self.send()?;
        }
        Ok(())
    }

    fn listed(&self) -> usize {
        self.listed
    }

    /// The batches sent are stored already: the listing stops (the run that reads
    /// the policies first goes the usual way then).
    fn restart(&mut self) -> Result<(), OpenError> {
        Err(OpenError::Git("the index changed while it was read".into()))
    }
}

/// What `walk` lists: into a builder on this thread without `later`; else stored on a
/// thread of its own by a builder that keeps what `later` says, once it says, and
/// folds every entry into the case check with `fold` (else the walk tells it:
/// [`Builder::unfolded`]). (When no thread starts, everything is kept, on this thread:
/// the run then lists the usual way.) Gives the builder and what the walk gave.
pub(crate) fn piped<T: Clone + Send, R>(
    later: Option<Later>,
    fold: bool,
    walk: impl FnOnce(&mut dyn Sink<T>) -> Result<R, OpenError>,
) -> Result<(Builder<T>, R), OpenError> {
    let Some(later) = later else {
        let mut files = Builder::new();
        let walked = walk(&mut files)?;
        return Ok((files, walked));
    };
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel::<Batch<T>>(DEPTH);
        let builder = std::thread::Builder::new()
            .name("relgate-listing".to_owned())
            .spawn_scoped(s, move || build(&later, fold, rx));
        let Ok(builder) = builder else {
            let mut files = Builder::new();
            let walked = walk(&mut files)?;
            return Ok((files, walked));
        };
        let mut pipe = Pipe {
            batch: Batch::new(),
            tx,
            listed: 0,
        };
        let walked = walk(&mut pipe).and_then(|walked| pipe.send().map(|()| walked));
        // The builder ends when the pipe closes.
        drop(pipe);
        let built = builder
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        // The builder's error first: the walk stopped because of it.
        let files = built?;
        Ok((files, walked?))
    })
}

/// Gives `files` the answer, if it came; whether it did.
fn tell<T: Clone>(files: &mut Builder<T>, keep: Result<Option<Keep>, TryRecvError>) -> bool {
    match keep {
        Ok(Some(keep)) => files.keep_from_now(keep),
        Err(TryRecvError::Empty) => return false,
        // Nothing to keep but everything, or no answer ever.
        Ok(None) | Err(TryRecvError::Disconnected) => {}
    }
    true
}

/// The builder's end: every batch, in order, into a builder folding every entry and
/// keeping what `later` says, from when it says (at the end at the latest).
fn build<T: Clone>(
    later: &Later,
    fold: bool,
    rx: Receiver<Batch<T>>,
) -> Result<Builder<T>, OpenError> {
    let mut files = match fold {
        true => Builder::keeping(None),
        false => Builder::keeping(None).unfolded(),
    };
    let mut told = false;
    for batch in rx {
        if !told {
            told = tell(&mut files, later.try_recv());
        }
        let mut start = 0;
        for (end, kind, mode, item) in batch.each {
            let rel = batch.paths.get(start..end as usize).unwrap_or_default();
            start = end as usize;
            files.push_bytes(rel, kind, mode, item)?;
        }
    }
    if !told {
        tell(
            &mut files,
            later.recv().map_err(|_| TryRecvError::Disconnected),
        );
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::mpsc::channel;

    fn names<T: Clone>(b: Builder<T>) -> (Vec<String>, usize) {
        let (entries, _) = b.finish();
        let listed = entries.listed();
        (entries.iter().map(|e| e.path.to_string()).collect(), listed)
    }

    fn walk(n: usize) -> impl FnOnce(&mut dyn Sink<usize>) -> Result<(), OpenError> {
        move |sink| {
            for i in 0..n {
                sink.push_bytes(format!("d/{i:06}").as_bytes(), EntryKind::File, 0o100644, i)?;
            }
            Ok(())
        }
    }

    #[test]
    fn a_piped_listing_keeps_what_it_is_told_later_and_counts_every_entry() {
        let n = BATCH * (DEPTH + 3) + 5;
        let sevens = (0..n).filter(|i| i % 10 == 7).count();
        let keep: Keep = Arc::new(|p: &str| p.ends_with('7'));
        // Told before the walk, in the middle of it (the builder takes it between two
        // batches, wherever it is then), after it: the same listing.
        for at in [0, 1, BATCH / 2, 3 * BATCH + 1, n - 1, n] {
            let (tx, later) = channel();
            let told = keep.clone();
            let walk = move |sink: &mut dyn Sink<usize>| {
                for i in 0..n {
                    if i == at {
                        tx.send(Some(told.clone())).unwrap();
                    }
                    sink.push_bytes(format!("d/{i:06}").as_bytes(), EntryKind::File, 0o100644, i)?;
                }
                if at == n {
                    // After the walk, from another thread, a while later.
                    std::thread::spawn(move || {
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        tx.send(Some(told)).unwrap();
                    });
                }
                Ok(())
            };
            let (kept, listed) = names(piped(Some(later), true, walk).unwrap().0);
            assert_eq!(listed, n, "{at}");
            assert_eq!(kept.len(), sevens, "{at}");
            assert!(kept.iter().all(|p| p.ends_with('7')), "{at}");
            assert!(kept.windows(2).all(|w| w[0] < w[1]), "{at}");
        }
    }

    #[test]
    fn a_piped_listing_told_nothing_keeps_everything() {
        let (tx, later) = channel::<Option<Keep>>();
        drop(tx);
        let (kept, listed) = names(piped(Some(later), true, walk(3000)).unwrap().0);
        assert_eq!((kept.len(), listed), (3000, 3000));
    }

    #[test]
    fn the_walks_error_and_the_builders_error_both_end_the_listing() {
        let (tx, later) = channel();
        tx.send(None).unwrap();
        let failing = |sink: &mut dyn Sink<usize>| -> Result<(), OpenError> {
            walk(10)(sink)?;
            Err(OpenError::Git("walk failed".into()))
        };
        let e = piped(Some(later), true, failing).err().unwrap();
        assert!(e.to_string().contains("walk failed"), "{e}");
        // A path the builder refuses stops the walk with the builder's reason.
        let (tx, later) = channel();
        tx.send(None).unwrap();
        let long = "x".repeat(super::super::entries::MAX_PATH + 1);
        let refused = move |sink: &mut dyn Sink<usize>| {
            sink.push_bytes(long.as_bytes(), EntryKind::File, 0o100644, 0)?;
            walk(BATCH * (DEPTH + 4))(sink)
        };
        let e = piped(Some(later), true, refused).err().unwrap();
        assert!(e.to_string().contains("refusing the repository"), "{e}");
    }
}
