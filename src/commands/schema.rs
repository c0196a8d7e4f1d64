//! `relgate schema`: the JSON Schema of policy files, generated from the same
//! parameter tables the loader validates against; with `--format markdown`, the
//! check-kind reference ([`super::reference`]).

use super::Io;
use crate::checks::KINDS;
use crate::cli::{SchemaArgs, SchemaFormat};
use crate::error::Outcome;
use crate::lang::kind::{Param, Ty};
use crate::policy::{FILE_PARAMS, FLAG_PARAMS, POLICY_PARAMS, VAR_PARAMS};
use serde_json::{Map, Value, json};

pub(crate) fn run(args: &SchemaArgs, io: &mut Io) -> Outcome {
    if args.case {
        let _ = writeln!(io.out, "{:#}", case_schema());
        return Ok(());
    }
    match args.format {
        SchemaFormat::Json => {
            let _ = writeln!(io.out, "{:#}", schema());
        }
        SchemaFormat::Markdown => {
            let _ = write!(io.out, "{}", super::reference::kinds_markdown());
        }
    }
    Ok(())
}

const PACKS_DOC: &str = "Packs to load with this file: names of packs shipped in the binary (e.g. `billing-gateway-dr`), git packs (`git`, `rev`, `path`, `signers`) and local folder packs (`path`).";

fn string_or_list() -> Value {
    json!({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]})
}

fn ty(t: Ty) -> Value {
    match t {
        Ty::Globs | Ty::Regexes | Ty::Names => string_or_list(),
        Ty::Path | Ty::Regex | Ty::Text | Ty::Id => json!({"type": "string"}),
        Ty::Mode => json!({"type": "string", "pattern": "^(0o)?[0-7]{3,4}$"}),
        Ty::Bool => json!({"type": "boolean"}),
        Ty::Int => json!({"type": "integer"}),
        Ty::Duration => {
            json!({"type": "string", "pattern": "^([0-9]+w)?([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$"})
        }
        Ty::Enum(words) => json!({"enum": words}),
        Ty::Condition => json!({"$ref": "#/$defs/condition"}),
        Ty::Vars => json!({"type": "object", "additionalProperties": {"$ref": "#/$defs/var"}}),
        Ty::Policies => json!({"type": "array", "items": {"$ref": "#/$defs/policy"}}),
        Ty::Table(params) => object(params),
        Ty::Rules(params) => json!({"type": "array", "items": object(params)}),
        Ty::FieldMap(inner) => json!({"type": "object", "additionalProperties": ty(*inner)}),
        Ty::Scalars => {
            let scalar = json!({"type": ["string", "number", "boolean", "null"]});
            json!({"anyOf": [scalar, {"type": "array", "items": scalar, "minItems": 1}]})
        }
        Ty::Flag => object(FLAG_PARAMS),
        Ty::Map => json!({"type": "object", "additionalProperties": {"type": "string"}}),
        Ty::Section => {
            json!({"anyOf": [{"type": "string"}, object(crate::lang::fields::SECTION_PARAMS)]})
        }
    }
}

fn object(params: &[Param]) -> Value {
    let mut props = Map::new();
    for p in params {
        let mut v = ty(p.ty);
        if let Value::Object(o) = &mut v {
            o.insert("description".into(), json!(p.doc));
        }
        props.insert(p.name.into(), v);
    }
    let required: Vec<&str> = params
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name)
        .collect();
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

/// The JSON Schema of a policy test's `case.yaml`, from the table `relgate test` loads
/// cases with.
pub(crate) fn case_schema() -> Value {
    let mut root = object(super::test::CASE_PARAMS);
    if let Value::Object(o) = &mut root {
        header(o, "case-v1", "relgate policy test case (case.yaml)");
    }
    root
}

/// The `$schema`, `$id` and `title` of one of relgate's schemas.
fn header(o: &mut Map<String, Value>, id: &str, title: &str) {
    o.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    o.insert(
        "$id".into(),
        json!(format!("https://relgate.dev/schema/{id}.json")),
    );
    o.insert("title".into(), json!(title));
}

pub(crate) fn schema() -> Value {
    let mut conds = vec![
        json!({"type": "object", "properties": {"all": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}}, "required": ["all"], "additionalProperties": false}),
        json!({"type": "object", "properties": {"any": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}}, "required": ["any"], "additionalProperties": false}),
        json!({"type": "object", "properties": {"not": {"$ref": "#/$defs/condition"}}, "required": ["not"], "additionalProperties": false}),
    ];
    let mut defs = Map::new();
    for k in KINDS {
        let mut params = object(k.params);
        if let Value::Object(o) = &mut params {
            o.insert("description".into(), json!(k.summary));
        }
        let value = match k.shorthand {
            Some(_) => json!({"anyOf": [params, string_or_list()]}),
            None => params,
        };
        defs.insert(format!("check_{}", k.name), value);
        conds.push(json!({
            "type": "object",
            "properties": {k.name: {"$ref": format!("#/$defs/check_{}", k.name)}},
            "required": [k.name],
            "additionalProperties": false,
        }));
    }
    defs.insert("condition".into(), json!({"oneOf": conds}));
    defs.insert("policy".into(), object(POLICY_PARAMS));
    defs.insert(
        "var".into(),
        json!({"anyOf": [{"type": "string"}, object(VAR_PARAMS)]}),
    );
    let mut root = object(FILE_PARAMS);
    if let Value::Object(o) = &mut root {
        header(o, "policy-v1", "relgate policy file, version 1");
        o.insert("$defs".into(), Value::Object(defs));
        // `packs:` holds names of shipped packs and git or local pack mappings.
        if let Some(Value::Object(props)) = o.get_mut("properties") {
            let entry =
                json!({"anyOf": [{"type": "string"}, object(crate::policy::remote::PACK_PARAMS)]});
            props.insert(
                "packs".into(),
                json!({"type": "array", "items": entry, "description": PACKS_DOC}),
            );
        }
    }
    root
}
