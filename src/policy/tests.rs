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
