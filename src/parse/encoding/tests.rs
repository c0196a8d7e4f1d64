use super::*;

fn moji(
    line: usize,
    column: usize,
    found: &str,
    meant: &str,
    codec: &'static str,
) -> Option<EncodingIssue> {
    Some(EncodingIssue::Mojibake {
        line,
        column,
        found: found.to_string(),
        meant: meant.to_string(),
        codec,
    })
}

fn invalid(line: usize, column: usize) -> Option<EncodingIssue> {
    Some(EncodingIssue::InvalidUtf8 { line, column })
}

/// Lines 1-8 of tests/data/manual-suporte-dr-escalonamento.md, as
/// committed (UTF-8 read as Mac Roman, saved as UTF-8).
const DAMAGED_MANUAL: &str = "# Manual de Suporte - DR e Escalonamento\n\
\n\
## Contexto\n\
Este manual complementa o `manual-do-usuario.md` com foco em continuidade de neg√≥cios. Ap√≥s a release 2024-07-15 do Billing Gateway foram consolidados novos fluxos de aprova√ß√£o, automa√ß√£o de permiss√µes e monitoramento de idempot√™ncia.\n\
\n\
## Lacunas Identificadas (Atualiza√ß√£o 2024-07-15)\n\
- ‚úÖ Checklist formal de DR por release publicado em `docs/support/dr-checklist.md` com registro de assinatura.\n\
- ‚úÖ Refer√™ncias expl√≠citas aos runbooks de recupera√ß√£o, alerta cr√≠tico e FinOps consolidadas abaixo.\n";

#[test]
fn damaged_manual() {
    assert_eq!(
        first_issue(DAMAGED_MANUAL.as_bytes()),
        moji(4, 81, "√≥", "ó", "Mac Roman")
    );
    let cases: &[(&str, Option<EncodingIssue>)] = &[
        (
            "## Lacunas Identificadas (Atualiza√ß√£o 2024-07-15)",
            moji(1, 35, "√ß", "ç", "Mac Roman"),
        ),
        (
            "- ‚úÖ Checklist formal de DR por release publicado",
            moji(1, 3, "‚úÖ", "✅", "Mac Roman"),
        ),
        (
            "- \u{F8FF}üîÑ Automatiza√ß√£o de comunica√ß√£o com stakeholders",
            moji(1, 3, "\u{F8FF}üîÑ", "🔄", "Mac Roman"),
        ),
        (
            "- Registrar li√ß√µes aprendidas em at√© 48h",
            moji(1, 15, "√ß", "ç", "Mac Roman"),
        ),
        (
            "- **Mensagem padr√£o**: ‚ÄúO m√≥dulo de pagamentos",
            moji(1, 18, "√£", "ã", "Mac Roman"),
        ),
        (
            "canal ‚ÄúO modulo",
            moji(1, 7, "‚Äú", "\u{201C}", "Mac Roman"),
        ),
        ("it‚Äôs", moji(1, 3, "‚Äô", "’", "Mac Roman")),
        ("Revisar crit√©rios", moji(1, 13, "√©", "é", "Mac Roman")),
    ];
    for (input, want) in cases {
        assert_eq!(first_issue(input.as_bytes()), *want, "input {input:?}");
    }
}

#[test]
fn each_codec() {
    let cases: &[(&str, Option<EncodingIssue>)] = &[
        // Latin-1 and Windows-1252 agree on 0xA0..=0xFF: named Latin-1.
        ("aprovaÃ§Ã£o", moji(1, 7, "Ã§", "ç", "Latin-1")),
        ("critÃ©rio", moji(1, 5, "Ã©", "é", "Latin-1")),
        ("Â\u{A0}nbsp", moji(1, 1, "Â\u{A0}", "\u{A0}", "Latin-1")),
        // C1 controls only come from Latin-1.
        (
            "it\u{E2}\u{80}\u{99}s",
            moji(1, 3, "\u{E2}\u{80}\u{99}", "’", "Latin-1"),
        ),
        // € ™ “ ” Ÿ live in Windows-1252's 0x80..=0x9F.
        ("itâ€™s", moji(1, 3, "â€™", "’", "Windows-1252")),
        ("â€œaspasâ€\u{9D}", moji(1, 1, "â€œ", "“", "Windows-1252")),
        ("x â€” y", moji(1, 3, "â€”", "—", "Windows-1252")),
        ("preço â‚¬ 10", moji(1, 7, "â‚¬", "€", "Windows-1252")),
        ("ok âœ…", moji(1, 4, "âœ…", "✅", "Windows-1252")),
        ("ðŸ”„ sync", moji(1, 1, "ðŸ”„", "🔄", "Windows-1252")),
        ("Ã‡ÃƒO", moji(1, 1, "Ã‡", "Ç", "Windows-1252")),
        // Mac Roman.
        ("aprova√ß√£o", moji(1, 7, "√ß", "ç", "Mac Roman")),
        ("Recupera√ß√£o", moji(1, 9, "√ß", "ç", "Mac Roman")),
        ("pol√≠tica", moji(1, 4, "√≠", "í", "Mac Roman")),
        ("‚Ç¨ 10", moji(1, 1, "‚Ç¨", "€", "Mac Roman")),
        // Line and character column; earlier lines win.
        (
            "ok\r\nlinha dois\r\nfoi Ã©\r\n",
            moji(3, 5, "Ã©", "é", "Latin-1"),
        ),
        ("\u{FEFF}Ã©", moji(1, 2, "Ã©", "é", "Latin-1")),
    ];
    for (input, want) in cases {
        assert_eq!(first_issue(input.as_bytes()), *want, "input {input:?}");
    }
}

#[test]
fn clean_text() {
    let cases: &[&str] = &[
        "",
        "plain ascii\n",
        // Representative lines of every .md in examples/billing-gateway.
        "# Runbook de Recuperação de Desastres",
        "1. Mapear os serviços críticos em docs/observability-stack.md.",
        "2. Restaurar o banco a partir do último snapshot íntegro.",
        "Contatos de DR: Maria Souza, João Lima.",
        "- BillingGatewayIdempotency: chaves de idempotência repetidas acima de 0,5% em 5 minutos.",
        "# Lições aprendidas — rollback de 2024-06-04",
        "- O alerta BillingGatewayIdempotency disparou 12 minutos após a ativação.",
        "# Release 2024-07-15 — Billing Gateway",
        "(BILLING_GATEWAY_ENABLE_REAL=0) nenhuma cobrança real é feita. Para religar, siga o",
        "procedimento do manual de suporte: aprovação do steering, evidência de",
        "Impacto: degradação de idempotência em 2% das requisições",
        "# SUP-L2-0142 — arquivado",
        "- [x] Inventário de serviços críticos mapeado em docs/observability-stack.md",
        "- [x] Permissões dos artefatos conferidas em 0644",
        "Assinatura: Maria Souza <maria.souza@example.com> — 2024-07-15",
        "Assinatura: João Lima <joao.lima@example.com> — 2024-06-03",
        "| Serviço | Criticidade | Dashboard |",
        "| billing-gateway-api | crítica | grafana/billing-gateway |",
        "| notifications | média | grafana/notifications |",
        // NFD, BOM, CRLF.
        "Recupera\u{0063}\u{0327}a\u{0303}o e\u{0301}",
        "\u{FEFF}# Título\r\nlinha\r\n",
        // Typographic punctuation next to accented letters.
        "“É isso”, disse ele",
        "– é o que temos — à espera…",
        "«É isso», «À noite», «é», «ação», «Ç»",
        "“À” ‘Á’ “Ç” “Õ” “Ê” …é …à",
        "A NÃO-CONFORMIDADE, AÇÃO e INFORMAÇÃO…",
        "É…, Ç…, È”, É”, Ê’",
        "São Paulo, Brasília, Maceió, Goiânia, Florianópolis",
        // Other languages.
        "¿Qué pasó? ¡Año nuevo! Ñandú, pingüino",
        "Ça a été déjà noël, l'œuvre « Élan » — Æsop",
        "Größe, Übermaß, Ärger, „Öl“, ‚Äpfel‘",
        "Zażółć gęślą jaźń, Škoda, Čeština, ș ț",
        "2 ≤ x ≥ 3, √2 ≈ 1.41, π, ∞, ±5, ©®™ 10 €, £, ¥, 5°C, nº 3, 1ª",
        // Emoji.
        "✅ feito 🔄 em curso ⚠️ atenção 🚀",
    ];
    for input in cases {
        assert_eq!(first_issue(input.as_bytes()), None, "input {input:?}");
    }
}

#[test]
fn invalid_utf8() {
    let cases: &[(&[u8], Option<EncodingIssue>)] = &[
        (b"aprova\xE7\xE3o", invalid(1, 7)),
        (b"ok\nlinha\nfoi \xE7", invalid(3, 5)),
        (b"ok\r\n\xE7", invalid(2, 1)),
        (b"\xC3", invalid(1, 1)),
        (b"ab\xC3\x28", invalid(1, 3)),
        (b"\xED\xA0\x80", invalid(1, 1)),
        (b"\xFF\xFE", invalid(1, 1)),
        // Multi-byte characters before: the column counts bytes.
        ("ação ".as_bytes(), None),
        (b"a\xC3\xA7\xC3\xA3o \xE7", invalid(1, 8)),
    ];
    for (input, want) in cases {
        assert_eq!(first_issue(input), *want, "input {input:?}");
    }
    // Mojibake before the invalid byte is reported first...
    let mut bytes = "Ã©\n".as_bytes().to_vec();
    bytes.push(0xE7);
    assert_eq!(first_issue(&bytes), moji(1, 1, "Ã©", "é", "Latin-1"));
    // ...and an invalid byte before mojibake wins.
    let mut bytes = b"\xE7\n".to_vec();
    bytes.extend_from_slice("Ã©".as_bytes());
    assert_eq!(first_issue(&bytes), invalid(1, 1));
}

#[test]
fn tables_are_bijective() {
    for codec in CODECS {
        let mut seen = std::collections::HashSet::new();
        let table: Vec<char> = match codec {
            Codec::Latin1 => (0x80u32..=0xFF).filter_map(char::from_u32).collect(),
            Codec::Windows1252 => WINDOWS_1252_80
                .iter()
                .copied()
                .chain((0xA0u32..=0xFF).filter_map(char::from_u32))
                .collect(),
            Codec::MacRoman => MAC_ROMAN_80.to_vec(),
        };
        assert_eq!(table.len(), 128, "{}", codec.name());
        for (i, c) in table.iter().enumerate() {
            assert!(seen.insert(*c), "{} repeats {c:?}", codec.name());
            assert_eq!(codec.byte(*c), high_byte(i), "{} {c:?}", codec.name());
        }
    }
}

/// How a legacy program reads UTF-8 bytes: one character per byte. encoding_rs
/// (the WHATWG tables, not this module's) decodes Windows-1252 and Mac Roman.
fn misread(text: &str, codec: &str) -> String {
    let bytes = text.as_bytes();
    match codec {
        "Latin-1" => bytes.iter().map(|b| char::from(*b)).collect(),
        "Windows-1252" => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
        "Mac Roman" => encoding_rs::MACINTOSH
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
        // Python's `errors="replace"`, .NET and others: U+FFFD for the five
        // bytes Windows-1252 leaves undefined.
        "Windows-1252, lossy" => misread(text, "Windows-1252")
            .chars()
            .map(|c| match c {
                '\u{81}' | '\u{8D}' | '\u{8F}' | '\u{90}' | '\u{9D}' => '\u{FFFD}',
                c => c,
            })
            .collect(),
        _ => unreachable!("{codec}"),
    }
}

/// Real sentences: Chinese (simplified, traditional), Japanese, Korean, each
/// starting with two East Asian characters.
const CJK: &[&str] = &[
    "发布前必须完成灾难恢复检查清单，并由负责人签名。",
    "發布前必須完成災難復原檢查清單，並由負責人簽名。",
    "リリース前に災害復旧チェックリストを完了し、署名してください。",
    "災害復旧の手順書は2024年7月15日に改訂されました。",
    "릴리스 전에 재해 복구 체크리스트를 완료하고 서명하십시오.",
    "「決済ゲートウェイ」の本番課金は、承認があるまで無効です。",
    "（注意）生产环境的真实计费默认关闭。",
];

#[test]
fn cjk_mojibake_in_every_codec() {
    for sentence in CJK {
        for codec in [
            "Latin-1",
            "Windows-1252",
            "Windows-1252, lossy",
            "Mac Roman",
        ] {
            let damaged = misread(sentence, codec);
            let text = format!("# Título\n\nVersão 1 — {damaged}\n");
            let Some(EncodingIssue::Mojibake {
                line,
                column,
                found,
                meant,
                codec: named,
            }) = first_issue(text.as_bytes())
            else {
                panic!("{codec} {sentence}: {damaged:?} not found");
            };
            assert_eq!((line, column), (3, 12), "{codec} {sentence}: {damaged:?}");
            assert!(damaged.starts_with(&found), "{found:?} in {damaged:?}");
            let want: String = sentence
                .chars()
                .take_while(|c| !c.is_ascii())
                .take(4)
                .collect();
            // U+FFFD where a lost byte made the character a guess.
            let agrees = meant.chars().count() >= 2
                && meant
                    .chars()
                    .zip(want.chars())
                    .all(|(m, w)| m == w || m == '\u{FFFD}');
            assert!(agrees, "{codec} {sentence}: {meant:?}");
            // Latin-1 and Windows-1252 agree on 0xA0..=0xFF: a run that only
            // uses those bytes is named Latin-1.
            let ok = match codec {
                "Windows-1252" | "Windows-1252, lossy" => {
                    ["Windows-1252", "Latin-1"].contains(&named)
                }
                _ => named == codec,
            };
            assert!(ok, "{codec} {sentence}: named {named}");
        }
    }
}

#[test]
fn cjk_mojibake_after_clean_text_and_mixed_with_ascii() {
    let cases: &[(&str, Option<EncodingIssue>)] = &[
        // 中文 read as Windows-1252: the message quotes the two characters.
        (
            "说明: ä¸\u{AD}æ–‡",
            moji(1, 5, "ä¸\u{AD}æ–‡", "中文", "Windows-1252"),
        ),
        ("‰∏≠Êñá ok", moji(1, 1, "‰∏≠Êñá", "中文", "Mac Roman")),
        (
            "í•œêµ\u{AD}ì–´ 텍스트",
            moji(1, 1, "í•œêµ\u{AD}ì–´", "한국어", "Windows-1252"),
        ),
        // Japanese kana: E3 81 xx reads as C1 controls in Latin-1.
        (
            "ok\nã\u{81}\u{82}ã\u{81}\u{84}",
            moji(2, 1, "ã\u{81}\u{82}ã\u{81}\u{84}", "あい", "Latin-1"),
        ),
        // A byte lost to U+FFFD: 发 is E5 8F 91, 0x8F undefined in Windows-1252.
        (
            "å\u{FFFD}‘å¸ƒ",
            moji(1, 1, "å\u{FFFD}‘å¸ƒ", "\u{FFFD}布", "Windows-1252"),
        ),
        (
            "itâ€\u{FFFD} ok",
            moji(1, 3, "â€\u{FFFD}", "\u{FFFD}", "Windows-1252"),
        ),
        // One character alone is not enough evidence...
        ("x ä¸\u{AD} y", None),
        // ...four are quoted at most.
        (
            "ä¸€äºŒä¸‰å››äº”",
            moji(1, 1, "ä¸€äºŒä¸‰å››", "一二三四", "Windows-1252"),
        ),
    ];
    for (input, want) in cases {
        assert_eq!(first_issue(input.as_bytes()), *want, "input {input:?}");
    }
}

#[test]
fn clean_cjk_and_european_text_is_not_mojibake() {
    let cases: &[&str] = &[
        // Clean Chinese, Japanese, Korean: no character maps back to a byte.
        "发布前必须完成灾难恢复检查清单，并由负责人签名。版本 1.2 — “真实计费”关闭。",
        "發布前必須完成災難復原檢查清單，並由負責人簽名。",
        "リリース前に災害復旧チェックリストを完了し、署名してください。（2024年7月15日）",
        "릴리스 전에 재해 복구 체크리스트를 완료하고 서명하십시오. ✅ 완료",
        "ｆｕｌｌｗｉｄｔｈ　ＡＢＣ１２３！",
        // French puts a no-break space inside guillemets: `é\u{A0}»` is the
        // bytes E9 A0 BB, the UTF-8 of 頻, but one character is not evidence.
        "Le café\u{A0}» et «\u{A0}déjà\u{A0}» : l’été à Noël, ça coûte 10\u{A0}€.",
        "«\u{A0}Où est-il\u{A0}?\u{A0}» — «\u{A0}Là\u{A0}!\u{A0}»",
        // Portuguese, including `ã…”` (E3 85 94, a Hangul letter).
        "Ele disse que não…” e saiu. Você» não… «ação»",
        "A aprovação do comitê é obrigatória; a evidência também.",
        // German.
        "Die Größe des Übermaßes ärgerte „Öl“-Händler; ‚Äpfel‘ für 5\u{A0}€.",
    ];
    for input in cases {
        assert_eq!(first_issue(input.as_bytes()), None, "input {input:?}");
    }
    // The French case really is one decodable character.
    let chars: Vec<char> = "é\u{A0}»".chars().collect();
    assert_eq!(
        decode_run(&chars, Codec::Latin1),
        Some((
            3,
            Decoded {
                c: '頻',
                guessed: false
            }
        ))
    );
}

#[test]
fn clean_corpora_are_not_mojibake() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("tests/corpora/commonmark/commonmark-spec.txt"),
        root.join("tests/corpora/commonmark/gfm-spec.txt"),
    ];
    let mut dirs = vec![
        root.join("tests/corpora/commonmark/kep"),
        root.join("examples/billing-gateway"),
    ];
    while let Some(dir) = dirs.pop() {
        let mut entries: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{e}"));
        entries.sort();
        for p in entries {
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|e| e == "md") {
                files.push(p);
            }
        }
    }
    assert!(files.len() > 10, "{files:?}");
    for f in files {
        let bytes = std::fs::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!(first_issue(&bytes), None, "{}", f.display());
    }
}

#[test]
fn the_seed_manual_is_still_mojibake() {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/manual-suporte-dr-escalonamento.md");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(first_issue(&bytes), moji(4, 81, "√≥", "ó", "Mac Roman"));
    // Every line with a non-ASCII character is damaged, and found on its own.
    let text = String::from_utf8(bytes).unwrap_or_else(|e| panic!("{e}"));
    for line in text.lines().filter(|l| !l.is_ascii()) {
        assert!(
            matches!(
                first_issue(line.as_bytes()),
                Some(EncodingIssue::Mojibake { .. })
            ),
            "{line}"
        );
    }
}

/// The filter of [`first_mojibake`] never hides a run: for every character any
/// codec maps to a byte (and U+FFFD, and some that none maps), followed by every
/// such character and a few endings, after ASCII of several lengths, the
/// filtered and the full scan agree.
#[test]
fn the_filter_never_hides_a_run() {
    let mut chars: Vec<char> = (0x80u32..=0xFF).filter_map(char::from_u32).collect();
    chars.extend(WINDOWS_1252_80);
    chars.extend(MAC_ROMAN_80);
    chars.extend(['\u{2126}', '\u{FFFD}', '\u{0218}', '中', '✅', 'x']);
    chars.sort_unstable();
    chars.dedup();
    let tails = [
        "",
        "\u{FFFD}",
        "\u{80}",
        "\u{A9}",
        "\u{A9}\u{A9}",
        "‚Ä",
        "x",
    ];
    // After ASCII of several lengths: the scan skips ASCII in blocks of 32 bytes, and
    // "é " takes 3, so 27 to 30 and 59 to 62 put the pair across a block's end.
    let lengths = [0, 15, 16, 17, 27, 28, 29, 30, 31, 33, 40, 59, 60, 61, 62];
    let mut runs = 0;
    for (i, a) in chars.iter().enumerate() {
        for (j, b) in chars.iter().enumerate() {
            for (k, tail) in tails.iter().enumerate() {
                let ascii = lengths[(i + j + k) % lengths.len()];
                let text = format!("é {}{a}{b}{tail}\n", "x".repeat(ascii));
                let full = first_mojibake_in_lines(&text);
                runs += usize::from(full.is_some());
                assert_eq!(first_mojibake(&text), full, "{text:?}");
            }
        }
    }
    // The pairs do hold runs of mojibake (the test would pass vacuously otherwise).
    assert!(runs > 1000, "{runs}");
}
