use super::*;
use crate::eval::vars;

fn release(inputs: &Inputs) -> String {
    let set = load(inputs).unwrap_or_else(|e| panic!("{e:?}"));
    let v = set.vars.iter().find(|v| v.name == "release").unwrap();
    match &v.kind {
        vars::VarKind::Literal(t) => t.raw.clone(),
        other => format!("{other:?}"),
    }
}

#[test]
fn a_files_vars_override_its_packs_wherever_the_pack_is_named() {
    let file = "version: 1\npacks: [billing-gateway-dr]\nvars:\n  release: '2024-06-03'\n";
    let inputs = Inputs {
        files: vec![(".relgate/config.yaml".into(), file.into())],
        ..Inputs::default()
    };
    assert_eq!(release(&inputs), "2024-06-03");
    let inputs = Inputs {
        packs: vec!["billing-gateway-dr".into()],
        ..inputs
    };
    assert_eq!(release(&inputs), "2024-06-03");
}

/// A shipped pack built ahead (while a run opens the repository) loads into the same
/// set, with the same errors, as one built in the load: every shipped pack, named
/// alone, twice, and also by a file's `packs:`; a file beside it whose errors and
/// variables must keep their order; a prepared pack that the inputs do not name,
/// which is not taken.
#[test]
fn a_prepared_pack_loads_as_one_built_in_the_load() {
    let names: Vec<String> = packs::names().into_iter().map(String::from).collect();
    assert!(!names.is_empty());
    let bad = "version: 1\npacks: [billing-gateway-dr]\nvars:\n  release: '2024-06-03'\npolicies:\n  - id: X-1\n    titel: t\n";
    let good = "version: 1\nvars:\n  release: '2024-06-03'\n";
    for name in &names {
        for (files, packs) in [
            (vec![], vec![name.clone()]),
            (vec![], vec![name.clone(), name.clone()]),
            (
                vec![(".relgate/a.yaml".to_string(), good.to_string())],
                vec![name.clone()],
            ),
            (
                vec![(".relgate/a.yaml".to_string(), bad.to_string())],
                vec![name.clone()],
            ),
        ] {
            let inputs = Inputs {
                files,
                packs,
                ..Inputs::default()
            };
            let plain = format!("{:?}", load(&inputs));
            // The file's own error survives the merge.
            let with_bad = inputs.files.iter().any(|(_, t)| t == bad);
            assert_eq!(plain.contains("unknown key 'titel'"), with_bad, "{plain}");
            let ahead = format!("{:?}", load_with(&inputs, prepare(&inputs.packs)));
            assert_eq!(plain, ahead, "{inputs:?}");
            // Built for other names: left aside.
            let others = prepare(&names);
            let aside = format!("{:?}", load_with(&inputs, others));
            assert_eq!(plain, aside, "{inputs:?}");
        }
    }
}
