//! `aicost-policy init`: writes the commented starter configuration.

use std::io::Write;

use super::args::InitArgs;
use super::exit;
use crate::config::{FILE_NAME, STARTER};

pub fn run(args: &InitArgs) -> u8 {
    let path = args.dir.join(FILE_NAME);
    if path.exists() && !args.force {
        eprintln!(
            "error: {} already exists\n  help: pass --force to overwrite it",
            path.display()
        );
        return exit::ERROR;
    }
    if let Err(e) = std::fs::create_dir_all(&args.dir).and_then(|()| std::fs::write(&path, STARTER))
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return exit::ERROR;
    }
    let _ = writeln!(std::io::stdout(), "wrote {}", path.display());
    exit::CLEAN
}
