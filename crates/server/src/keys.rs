//! The server's secret key, from which the keys for signed photo URLs and for personal data at
//! rest (sealing names and numbers, hashing numbers for lookups) are derived. Every instance of a
//! deployment must share it: a photo URL signed by one instance is checked by another, and a
//! number sealed by one is opened by another. It comes from `MASHANG_DATA_KEY` (64 hex digits) or
//! from a key file, created on first start next to the database with owner-only permissions. Back
//! the key file up apart from the database: the database alone must not be enough.

use hmac::Mac;
use std::path::Path;

#[derive(Clone)]
pub struct Keys {
    photo: [u8; 32],
    seal: [u8; 32],
    phone_lookup: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(..)")
    }
}

impl Keys {
    /// The keys derived from a master key.
    pub fn from_master(master: &[u8; 32]) -> Self {
        Self {
            photo: derive(master, b"mashang photo urls v1"),
            seal: derive(master, b"mashang personal data seal v1"),
            phone_lookup: derive(master, b"mashang phone lookup v1"),
        }
    }

    /// `MASHANG_DATA_KEY` if set, else the key file (created when missing).
    pub fn load(environment: Option<&str>, key_file: &Path) -> anyhow::Result<Self> {
        if let Some(hex_key) = environment.map(str::trim).filter(|k| !k.is_empty()) {
            return Ok(Self::from_master(&parse(hex_key)?));
        }
        if let Some(master) = read_key_file(key_file)? {
            return Ok(Self::from_master(&master));
        }
        let master: [u8; 32] = rand::random();
        if publish_private(key_file, &hex::encode(master))? {
            tracing::info!("created the key file {}; back it up apart from the database", key_file.display());
            return Ok(Self::from_master(&master));
        }
        // Another instance starting beside this one made it first: use theirs.
        let theirs = read_key_file(key_file)?
            .ok_or_else(|| anyhow::anyhow!("the key file {} vanished as it was made", key_file.display()))?;
        Ok(Self::from_master(&theirs))
    }

    pub fn photo(&self) -> &[u8] {
        &self.photo
    }

    /// The keys the store seals names and numbers with.
    pub fn personal_data(&self) -> crate::store::PersonalData {
        crate::store::PersonalData::new(self.seal, self.phone_lookup)
    }
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac = crate::secrets::hmac_with(master);
    mac.update(label);
    mac.finalize().into_bytes().into()
}

/// The key in the file at `path`, or `None` if there is no such file.
fn read_key_file(path: &Path) -> anyhow::Result<Option<[u8; 32]>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(parse(text.trim())?)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(anyhow::anyhow!("reading the key file {}: {error}", path.display())),
    }
}

fn parse(hex_key: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(hex_key).map_err(|_| anyhow::anyhow!("the data key must be 64 hex digits"))?;
    bytes.try_into().map_err(|_| anyhow::anyhow!("the data key must be 64 hex digits (32 bytes)"))
}

/// Creates the file at `path` holding `text`, readable by the owner only, unless it exists.
/// Returns whether this call created it. The text is written in full under a temporary name and
/// then linked into place, so an instance starting at the same moment never reads half a key.
fn publish_private(path: &Path, text: &str) -> anyhow::Result<bool> {
    use std::io::Write;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let draft = folder.join(format!(".mashang-key-{}-{:016x}", std::process::id(), rand::random::<u64>()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&draft).and_then(|mut file| {
        file.write_all(text.as_bytes())?;
        file.sync_all()
    });
    let linked = written.and_then(|()| std::fs::hard_link(&draft, path));
    let _ = std::fs::remove_file(&draft);
    match linked {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(error) => Err(anyhow::anyhow!("creating the key file {}: {error}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::Keys;

    #[test]
    fn a_key_file_is_made_once_and_read_back() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("mashang.key");
        let first = Keys::load(None, &path).expect("created");
        let second = Keys::load(None, &path).expect("read back");
        assert_eq!(first.photo(), second.photo());
        let from_environment = Keys::load(Some(&"ab".repeat(32)), &path).expect("from the environment");
        assert_ne!(from_environment.photo(), first.photo());
        assert!(Keys::load(Some("not hex"), &path).is_err());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("metadata").permissions().mode();
            assert_eq!(mode & 0o077, 0, "owner only");
        }
    }

    #[test]
    fn instances_starting_together_make_one_key_file_and_all_use_it() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("keys").join("mashang.key");
        let starts: Vec<_> = (0..8)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || Keys::load(None, &path).expect("loaded").photo().to_vec())
            })
            .collect();
        let keys: std::collections::BTreeSet<Vec<u8>> = starts.into_iter().map(|start| start.join().unwrap()).collect();
        assert_eq!(keys.len(), 1, "one key for every instance");
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1, "no drafts left beside the key file");
        assert_eq!(Keys::load(None, &path).expect("read back").photo(), keys.first().unwrap().as_slice());
    }
}
