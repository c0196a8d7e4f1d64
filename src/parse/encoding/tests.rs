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

/// Lines 1-8 of /work/shared/seed/manual-suporte-dr-escalonamento.md, as
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
        // Representative lines of every .md in /work/shared/reference-repo.
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
