//! The root's evaluation budget as module instances spend it (see `budget.rs` one level
//! up): instances created at every module level, and the values they keep.

use super::*;

use crate::load::terraform::budget::{
    entries_bytes, root_error, RootLimit, INSTANCE_BYTES, MAX_ROOT_INSTANCES,
};

/// The root pays for itself and the first instance of each of its resource blocks, as
/// every module instance does (see `modules.rs`). A root with more blocks than the limit
/// is reported at the block past it; its blocks are still read.
pub(super) fn charge_root(cx: &RootContext<'_>, config: &ModuleConfig) {
    let blocks = u64::try_from(config.resources.len()).unwrap_or(u64::MAX);
    let written = blocks.saturating_add(1);
    if let Err(e) = cx.budget.charge_instances(written, written) {
        let at = usize::try_from(MAX_ROOT_INSTANCES)
            .ok()
            .and_then(|i| config.resources.get(i.saturating_sub(1)));
        if let Some(block) = at {
            let e = root_error(e, block.block.header_span);
            let mut error = InputError::new(block.file.location(e.span), e.message);
            error.help = e.help;
            cx.error(error);
        }
    }
}

impl Instance<'_> {
    /// Charges the root's budget for `n` more resource or module instances, `written` of
    /// them written in the files (the rest also draw on the run's budget). Past it, the
    /// error is reported at `span` the first time, and the instances are unknown.
    pub(super) fn charge_instances(
        &self,
        n: u64,
        written: u64,
        file: &SourceFile,
        span: Span,
    ) -> Result<(), Unknown> {
        if n == 0 {
            // Already paid for (a block's first instance): not refused once spent.
            return Ok(());
        }
        self.cx.budget.charge_instances(n, written).map_err(|e| {
            self.eval_error(file, root_error(e, span));
            spent(e.limit)
        })
    }

    /// Charges the values of this instance's input variables as kept, at the module call
    /// (`None` for the root: at the first declared variable). Past the budget they are
    /// all unknown.
    pub(super) fn keep_variables(&mut self, call: Option<(&SourceFile, Span)>) {
        let bytes = INSTANCE_BYTES.saturating_add(entries_bytes(self.variables.iter()));
        let first = self.config.variables.values().next();
        let at = call.or_else(|| first.map(|v| (v.file.as_ref(), v.span)));
        let Some((file, span)) = at else {
            return;
        };
        if let Err(why) = self.keep(bytes, file, span) {
            for v in self.variables.values_mut() {
                *v = Value::Unknown(why.clone());
            }
        }
    }

    /// Charges the root's budget for `bytes` of values kept by what is written at `span`.
    /// Past it, the error is reported there the first time, and the value is unknown.
    pub(super) fn keep(&self, bytes: usize, file: &SourceFile, span: Span) -> Result<(), Unknown> {
        self.cx.budget.charge_kept(bytes).map_err(|e| {
            self.eval_error(file, root_error(e, span));
            spent(e.limit)
        })
    }
}

/// Why a value is unknown once a root budget is spent.
fn spent(limit: RootLimit) -> Unknown {
    Unknown::new(format!("this root's evaluation budget ({limit}) is spent"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::terraform::budget::{RootBudget, RunBudget};
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    /// Module directories held in memory: `/r` is the root.
    struct Modules(BTreeMap<PathBuf, Arc<ModuleConfig>>);

    impl ModuleSource for Modules {
        fn module(&self, dir: &Path) -> Option<Arc<ModuleConfig>> {
            // Sources are written `./name` relative to `/r`.
            let name = dir.file_name()?;
            self.0.get(&PathBuf::from("/r").join(name)).cloned()
        }
    }

    fn config(dir: &str, src: &str) -> Arc<ModuleConfig> {
        let file = Arc::new(SourceFile::new(format!("{dir}/main.tf").into(), src.into()));
        Arc::new(ModuleConfig::parse(
            PathBuf::from("/r").join(dir),
            dir.into(),
            vec![file],
        ))
    }

    /// Evaluates the root `src` with child modules `children` (name, source).
    fn evaluate(src: &str, children: &[(&str, &str)]) -> (Vec<EvaluatedResource>, Vec<InputError>) {
        let root = config("root", src);
        let modules = Modules(
            children
                .iter()
                .map(|(name, text)| (PathBuf::from("/r").join(name), config(name, text)))
                .collect(),
        );
        // Group 0 of a run of its own: this root may keep the group's 96 MiB.
        let budget = RootBudget::in_group(RunBudget::new().group(0));
        let cx = RootContext::with_budget(&modules, "root".into(), budget);
        let instance = Instance::root(&cx, root, BTreeMap::new());
        let mut out = Vec::new();
        instance.collect(&mut out);
        drop(instance);
        (out, cx.errors.into_inner())
    }

    fn errors_at(errors: &[InputError]) -> Vec<(String, u32, &str)> {
        errors
            .iter()
            .map(|e| {
                (
                    e.location.file.to_string(),
                    e.location.line,
                    e.message.as_str(),
                )
            })
            .collect()
    }

    #[test]
    fn values_kept_by_the_root_are_limited_and_reported_once() {
        // big is about 10 MB; every copy keeps another 10 MB.
        let mut src = String::from(
            "resource \"terraform_data\" \"first\" {\n  input = \"known\"\n}\nlocals {\n  big = [for i in range(1000) : format(\"%9999s\", i)]\n",
        );
        for i in 0..60 {
            src.push_str(&format!("  copy{i:02} = concat(local.big, [{i}])\n"));
        }
        src.push_str("}\n");
        let (resources, errors) = evaluate(&src, &[]);
        // big is 1000 strings of 9,999 bytes, each 64 + 9,999 bytes, in a 64-byte list:
        // 10,063,064; a copy has one more number: 10,063,128. The resource (2 KB), big and
        // nine copies keep 100.63 MB, within the group's 96 MiB (100,663,296 bytes);
        // copy09 (line 15) does not fit.
        assert_eq!(
            errors_at(&errors),
            vec![(
                "root/main.tf".to_string(),
                15,
                "evaluation budget exceeded: the roots of this root's group keep more than 96 MiB of values, the group's share of the 384 MiB one run may keep (roots are dealt in path order into 4 groups); the rest of the root is not evaluated"
            )]
        );
        assert_eq!(
            resources[0].attributes.get("input"),
            Some(&Value::string("known"))
        );
    }

    #[test]
    fn the_outputs_of_a_module_call_count_as_one_value() {
        let (_, errors) = evaluate(
            "module \"shards\" {\n  source = \"./shard\"\n  count  = 20\n}\nresource \"terraform_data\" \"uses\" {\n  input = module.shards\n}\n",
            &[("shard", "output \"padding\" {\n  value = format(\"%999999s\", \"\")\n}\n")],
        );
        assert_eq!(
            errors_at(&errors),
            vec![(
                "root/main.tf".to_string(),
                1,
                "evaluation budget exceeded: the outputs of module `shards` are larger than 16 MiB together, the limit for one value"
            )]
        );
    }

    #[test]
    fn instances_count_across_module_levels_and_a_call_that_spends_them_is_not_reported() {
        let (resources, errors) = evaluate(
            "resource \"terraform_data\" \"own\" {}\nmodule \"outer\" {\n  source = \"./outer\"\n  count  = 400\n}\nmodule \"after\" {\n  source = \"./inner\"\n}\n",
            &[
                ("outer", "module \"inner\" {\n  source = \"../inner\"\n  count  = 400\n}\n"),
                ("inner", "resource \"terraform_data\" \"node\" {}\n"),
            ],
        );
        // Made by the evaluation: 399 outer instances (the first is written), then 400 inner
        // ones (2 each, with their resource block) for each outer instance: 798 for the
        // first (whose first instance is written), 800 for each next. After outer[14],
        // 399 + 798 + 14 x 800 = 12,397; outer[15] passes the group's 12,500.
        assert_eq!(
            errors_at(&errors),
            vec![(
                "outer/main.tf".to_string(),
                3,
                "evaluation budget exceeded: the roots of this root's group make more than 12500 instances with count, for_each and repeated module calls, the group's share of the 50000 one run may make (roots are dealt in path order into 4 groups); the instances past it are not evaluated"
            )]
        );
        // module.after was made, and paid for, before outer ran out: it is reported whole.
        let addresses: Vec<(&str, bool)> = resources
            .iter()
            .map(|r| (r.address.as_str(), r.instances_unknown.is_some()))
            .collect();
        assert_eq!(
            addresses,
            vec![
                ("terraform_data.own", false),
                ("module.after.terraform_data.node", false)
            ]
        );
    }
}
