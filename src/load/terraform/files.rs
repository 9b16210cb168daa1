//! Reading `.tf` files once. A file linked into several module directories is one file on
//! disk but part of each module, named by the path it is listed at (as Terraform names it
//! in its messages): its text is read once and shared.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::load::source::{read_source, PathNamer, SourceFile};
use crate::model::{InputError, Location};

/// Reads configuration files, each file on disk at most once.
pub struct FileReader<'a> {
    pub namer: &'a PathNamer,
    pub max_size: u64,
    /// Canonical path → what reading it gave.
    read: Mutex<HashMap<PathBuf, Result<Arc<SourceFile>, InputError>>>,
}

impl<'a> FileReader<'a> {
    pub fn new(namer: &'a PathNamer, max_size: u64) -> FileReader<'a> {
        FileReader {
            namer,
            max_size,
            read: Mutex::new(HashMap::new()),
        }
    }

    /// The file listed at `path`, named by that path whatever it links to.
    pub fn read(&self, path: &Path) -> Result<Arc<SourceFile>, InputError> {
        let name = self.namer.name(path);
        let Ok(canonical) = path.canonicalize() else {
            // A dangling link or a file removed since the scan: reading says why.
            return read_source(path, name, self.max_size);
        };
        let cached = self
            .read
            .lock()
            .ok()
            .and_then(|cache| cache.get(&canonical).cloned());
        let result = match cached {
            Some(r) => r,
            None => {
                let r = read_source(&canonical, name.clone(), self.max_size);
                // Another thread may have read the same file meanwhile (a file linked into
                // two directories): the first copy cached is the one every reader gets, so
                // the file is one file, counted once.
                match self.read.lock() {
                    Ok(mut cache) => cache.entry(canonical).or_insert(r).clone(),
                    Err(_) => r,
                }
            }
        };
        match result {
            Ok(file) if file.path == name => Ok(file),
            Ok(file) => Ok(Arc::new(SourceFile::new(name, file.text.clone()))),
            Err(mut e) => {
                e.location = Location {
                    file: name,
                    ..e.location
                };
                Err(e)
            }
        }
    }
}
