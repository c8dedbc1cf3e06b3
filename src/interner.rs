//! A string table the threads of the document pass share: each distinct
//! string is stored once and named by a `u32`, so what a build keeps per
//! document (search postings, link-check URLs) is numbers, not strings.

use rustc_hash::{FxBuildHasher, FxHashMap};
use std::hash::BuildHasher;
use std::sync::Mutex;

/// Shards of the table (a power of two), so threads rarely wait on one.
const SHARDS: usize = 64;

pub(crate) struct Interner {
    shards: Vec<Mutex<Shard>>,
}

/// One shard's strings, each stored once: end to end in `names`, found by
/// hash through `ids` (places in `names`). A map from boxed strings beside
/// a list of them held every string twice, each in an allocation of its
/// own: 83 MiB for the 410,000 URLs (31 MiB of text) of 100,000 documents.
#[derive(Default)]
struct Shard {
    ids: hashbrown::HashTable<u32>,
    names: Names,
}

/// Strings end to end: string `i` ends at `ends[i]` in `text`.
#[derive(Default)]
struct Names {
    text: String,
    ends: Vec<u32>,
}

impl Names {
    fn get(&self, place: usize) -> Option<&str> {
        let end = *self.ends.get(place)? as usize;
        let start = match place {
            0 => 0,
            _ => self.ends[place - 1] as usize,
        };
        self.text.get(start..end)
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn push(&mut self, s: &str) {
        self.text.push_str(s);
        self.ends.push(self.text.len() as u32);
    }
}

impl Default for Interner {
    fn default() -> Interner {
        Interner {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }
}

/// Strings a thread found already in an [`Interner`] (so met before, in
/// another document: the common words), up to [`Nearby::CAPACITY`] of them,
/// looked up first: at 100,000 documents the shared table no longer fits in
/// the CPU's caches, and a lookup there costs several times one here
/// (figures: benches/README.md, "Figures behind the code").
#[derive(Default)]
pub(crate) struct Nearby {
    ids: FxHashMap<Box<str>, u32>,
}

impl Nearby {
    const CAPACITY: usize = 32_768;
}

impl Interner {
    /// The number of `s`: its shard in the low bits, its place in the shard above.
    pub(crate) fn id(&self, s: &str) -> u32 {
        self.find_or_add(s).0
    }

    /// [`Interner::id`], asking `nearby` first; `nearby` must only ever be
    /// used with this interner.
    pub(crate) fn id_via(&self, nearby: &mut Nearby, s: &str) -> u32 {
        if let Some(&id) = nearby.ids.get(s) {
            return id;
        }
        let (id, known) = self.find_or_add(s);
        if known && nearby.ids.len() < Nearby::CAPACITY {
            nearby.ids.insert(s.into(), id);
        }
        id
    }

    /// The number of `s`, and whether it was in the table already.
    fn find_or_add(&self, s: &str) -> (u32, bool) {
        // Hashed with a salt: the shard's table uses the plain hash's low
        // bits (bucket) and high bits (tag), which must not be all alike.
        let shard = (FxBuildHasher.hash_one((s, 0x5eed_u32)) >> 58) as usize % SHARDS;
        let Ok(mut table) = self.shards[shard].lock() else {
            return (u32::MAX, false);
        };
        let Shard { ids, names } = &mut *table;
        let hash = |name: &str| FxBuildHasher.hash_one(name);
        let id = |place: usize| ((place * SHARDS) | shard) as u32;
        let found = ids.find(hash(s), |&place| names.get(place as usize) == Some(s));
        if let Some(&place) = found {
            return (id(place as usize), true);
        }
        let place = names.len();
        names.push(s);
        ids.insert_unique(hash(s), place as u32, |&p| {
            hash(names.get(p as usize).unwrap_or_default())
        });
        (id(place), false)
    }

    /// The strings by number, for reading once no thread adds any; the
    /// interner is left empty.
    pub(crate) fn take(&self) -> Table {
        let shards: Vec<Names> = self
            .shards
            .iter()
            .map(|shard| {
                shard
                    .lock()
                    .map(|mut t| {
                        t.ids = hashbrown::HashTable::new();
                        std::mem::take(&mut t.names)
                    })
                    .unwrap_or_default()
            })
            .collect();
        let offsets = shards
            .iter()
            .scan(0, |total, names| {
                let offset = *total;
                *total += names.len();
                Some(offset)
            })
            .collect();
        Table { shards, offsets }
    }
}

/// An interner's strings, read-only.
pub struct Table {
    shards: Vec<Names>,
    /// Where each shard's strings start in [`Table::iter`] order.
    offsets: Vec<usize>,
}

impl Table {
    pub fn get(&self, id: u32) -> &str {
        let id = id as usize;
        self.shards
            .get(id % SHARDS)
            .and_then(|names| names.get(id / SHARDS))
            .unwrap_or("")
    }

    /// The place of number `id` in [`Table::iter`] order (0, 1, …): numbers
    /// are sparse, places dense, so a table indexed by place needs no map.
    pub fn place(&self, id: u32) -> Option<usize> {
        let id = id as usize;
        let (shard, index) = (id % SHARDS, id / SHARDS);
        let names = self.shards.get(shard)?;
        (index < names.len()).then(|| self.offsets[shard] + index)
    }

    /// Every (number, string), shard by shard.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        self.shards.iter().enumerate().flat_map(|(shard, names)| {
            (0..names.len()).map(move |i| {
                let name = names.get(i).unwrap_or("");
                (((i * SHARDS) | shard) as u32, name)
            })
        })
    }

    pub fn len(&self) -> usize {
        self.shards.iter().map(Names::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_string_gets_one_number_and_reads_back() {
        let interner = Interner::default();
        let words = ["alpha", "beta", "alpha", "", "gamma", "beta"];
        let ids: Vec<u32> = words.iter().map(|w| interner.id(w)).collect();
        assert_eq!(ids[0], ids[2]);
        assert_eq!(ids[1], ids[5]);
        assert_ne!(ids[0], ids[1]);
        let table = interner.take();
        assert_eq!(table.len(), 4);
        for (word, id) in words.iter().zip(&ids) {
            assert_eq!(table.get(*id), *word);
        }
        for (place, (id, _)) in table.iter().enumerate() {
            assert_eq!(table.place(id), Some(place));
        }
        assert_eq!(table.place(u32::MAX - 1), None);
        let mut all: Vec<&str> = table.iter().map(|(_, s)| s).collect();
        all.sort();
        assert_eq!(all, ["", "alpha", "beta", "gamma"]);
    }

    #[test]
    fn a_nearby_cache_gives_the_same_numbers_and_keeps_only_strings_met_before() {
        let interner = Interner::default();
        let (mut one, mut other) = (Nearby::default(), Nearby::default());
        let first = interner.id_via(&mut one, "alpha");
        // New to the table: not kept nearby.
        assert!(one.ids.is_empty());
        assert_eq!(interner.id_via(&mut other, "alpha"), first);
        assert_eq!(other.ids.get("alpha"), Some(&first));
        assert_eq!(interner.id_via(&mut other, "alpha"), first);
        assert_eq!(interner.id("alpha"), first);
        let beta = interner.id_via(&mut one, "beta");
        assert_ne!(beta, first);
        assert_eq!(interner.take().len(), 2);
    }
}
