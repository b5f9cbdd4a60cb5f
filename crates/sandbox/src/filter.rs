//! The `$filter` subset the sandbox understands: `eq`, `startswith(..)` and
//! `contains(..)` on `importedDeviceIdentifier` (ignoring case), `eq` on the
//! three enums, joined with `and`, optionally in parentheses.

use crate::domain::{
    EnrollmentState, ImportedDeviceIdentity, ImportedDeviceIdentityType, Platform,
};

/// Why a filter was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("Invalid filter clause: {0}")]
    Syntax(String),
    #[error("Invalid filter clause: the filter on '{0}' is not supported.")]
    Unsupported(String),
    /// An enum member the service does not know: (literal, enum type).
    #[error("Cannot convert the literal '{0}' to the expected type 'microsoft.graph.{1}'.")]
    EnumLiteral(String, &'static str),
}

/// One condition; a filter is their conjunction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// Identifier equals (lower-cased needle).
    IdentifierEq(String),
    IdentifierStartsWith(String),
    IdentifierContains(String),
    TypeEq(ImportedDeviceIdentityType),
    PlatformEq(Platform),
    StateEq(EnrollmentState),
}

/// A parsed `$filter`: every clause must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub clauses: Vec<Clause>,
}

impl Filter {
    pub fn parse(text: &str) -> Result<Filter, FilterError> {
        let tokens = tokenize(text)?;
        let mut parser = Parser { tokens, pos: 0 };
        let mut clauses = Vec::new();
        parser.expression(&mut clauses)?;
        if let Some(t) = parser.tokens.get(parser.pos) {
            return Err(FilterError::Syntax(format!("unexpected '{}'", t.text())));
        }
        Ok(Filter { clauses })
    }

    /// Whether an identity passes; `lower_identifier` is its identifier lower-cased.
    pub fn matches(&self, identity: &ImportedDeviceIdentity, lower_identifier: &str) -> bool {
        self.clauses.iter().all(|c| match c {
            Clause::IdentifierEq(s) => lower_identifier == s,
            Clause::IdentifierStartsWith(s) => lower_identifier.starts_with(s.as_str()),
            Clause::IdentifierContains(s) => lower_identifier.contains(s.as_str()),
            Clause::TypeEq(t) => identity.imported_device_identity_type.as_ref() == Some(t),
            Clause::PlatformEq(p) => identity.platform.as_ref() == Some(p),
            Clause::StateEq(s) => identity.enrollment_state.as_ref() == Some(s),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Str(String),
    Open,
    Close,
    Comma,
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::Word(w) => w.clone(),
            Token::Str(s) => format!("'{s}'"),
            Token::Open => "(".into(),
            Token::Close => ")".into(),
            Token::Comma => ",".into(),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, FilterError> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | ',' => {
                chars.next();
                out.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    _ => Token::Comma,
                });
            }
            '\'' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            s.push('\'');
                        }
                        Some('\'') => break,
                        Some(ch) => s.push(ch),
                        None => return Err(FilterError::Syntax("unterminated string".into())),
                    }
                }
                out.push(Token::Str(s));
            }
            _ => {
                let mut w = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_alphanumeric() || matches!(ch, '.' | '_' | '/' | '-') {
                        w.push(ch);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if w.is_empty() {
                    return Err(FilterError::Syntax(format!("unexpected '{c}'")));
                }
                out.push(Token::Word(w));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn expect(&mut self, want: Token) -> Result<(), FilterError> {
        match self.next() {
            Some(t) if t == want => Ok(()),
            Some(t) => Err(FilterError::Syntax(format!(
                "expected '{}', found '{}'",
                want.text(),
                t.text()
            ))),
            None => Err(FilterError::Syntax(format!(
                "expected '{}' at the end",
                want.text()
            ))),
        }
    }

    fn expression(&mut self, out: &mut Vec<Clause>) -> Result<(), FilterError> {
        self.term(out)?;
        while let Some(Token::Word(w)) = self.peek() {
            if w.eq_ignore_ascii_case("and") {
                self.pos += 1;
                self.term(out)?;
            } else {
                return Err(FilterError::Unsupported(w.clone()));
            }
        }
        Ok(())
    }

    fn term(&mut self, out: &mut Vec<Clause>) -> Result<(), FilterError> {
        match self.next() {
            Some(Token::Open) => {
                self.expression(out)?;
                self.expect(Token::Close)
            }
            Some(Token::Word(w)) if self.peek() == Some(&Token::Open) => {
                self.pos += 1;
                let prop = self.word()?;
                self.expect(Token::Comma)?;
                let needle = self.string()?.to_lowercase();
                self.expect(Token::Close)?;
                if !is_identifier(&prop) {
                    return Err(FilterError::Unsupported(format!("{w}({prop})")));
                }
                if w.eq_ignore_ascii_case("startswith") {
                    out.push(Clause::IdentifierStartsWith(needle));
                } else if w.eq_ignore_ascii_case("contains") {
                    out.push(Clause::IdentifierContains(needle));
                } else {
                    return Err(FilterError::Unsupported(w));
                }
                Ok(())
            }
            Some(Token::Word(prop)) => {
                let op = self.word()?;
                if !op.eq_ignore_ascii_case("eq") {
                    return Err(FilterError::Unsupported(format!("{prop} {op}")));
                }
                let value = self.string()?;
                out.push(comparison(&prop, value)?);
                Ok(())
            }
            Some(t) => Err(FilterError::Syntax(format!("unexpected '{}'", t.text()))),
            None => Err(FilterError::Syntax("the filter is empty".into())),
        }
    }

    fn word(&mut self) -> Result<String, FilterError> {
        match self.next() {
            Some(Token::Word(w)) => Ok(w),
            Some(t) => Err(FilterError::Syntax(format!(
                "expected a name, found '{}'",
                t.text()
            ))),
            None => Err(FilterError::Syntax("unexpected end".into())),
        }
    }

    /// A quoted literal, optionally preceded by an enum type name.
    fn string(&mut self) -> Result<String, FilterError> {
        if let Some(Token::Word(w)) = self.peek()
            && w.to_ascii_lowercase().starts_with("microsoft.graph.")
            && matches!(self.tokens.get(self.pos + 1), Some(Token::Str(_)))
        {
            self.pos += 1;
        }
        match self.next() {
            Some(Token::Str(s)) => Ok(s),
            Some(t) => Err(FilterError::Syntax(format!(
                "expected a quoted value, found '{}'",
                t.text()
            ))),
            None => Err(FilterError::Syntax("expected a quoted value".into())),
        }
    }
}

fn is_identifier(prop: &str) -> bool {
    prop.eq_ignore_ascii_case("importedDeviceIdentifier")
}

fn comparison(prop: &str, value: String) -> Result<Clause, FilterError> {
    if is_identifier(prop) {
        return Ok(Clause::IdentifierEq(value.to_lowercase()));
    }
    if prop.eq_ignore_ascii_case("importedDeviceIdentityType") {
        let t = ImportedDeviceIdentityType::parse(&value);
        return t
            .is_known()
            .then_some(Clause::TypeEq(t))
            .ok_or(FilterError::EnumLiteral(
                value,
                "importedDeviceIdentityType",
            ));
    }
    if prop.eq_ignore_ascii_case("platform") {
        let p = Platform::parse(&value);
        return p
            .is_known()
            .then_some(Clause::PlatformEq(p))
            .ok_or(FilterError::EnumLiteral(value, "platform"));
    }
    if prop.eq_ignore_ascii_case("enrollmentState") {
        let s = EnrollmentState::parse(&value);
        return s
            .is_known()
            .then_some(Clause::StateEq(s))
            .ok_or(FilterError::EnumLiteral(value, "enrollmentState"));
    }
    Err(FilterError::Unsupported(prop.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Vec<Clause> {
        Filter::parse(s).unwrap().clauses
    }

    #[test]
    fn identifier_forms_lower_their_needles() {
        assert_eq!(
            parse("importedDeviceIdentifier eq 'AbC'"),
            [Clause::IdentifierEq("abc".into())]
        );
        assert_eq!(
            parse("startswith(importedDeviceIdentifier,'C02')"),
            [Clause::IdentifierStartsWith("c02".into())]
        );
        assert_eq!(
            parse("contains( importedDeviceIdentifier , 'it''s' )"),
            [Clause::IdentifierContains("it's".into())]
        );
    }

    #[test]
    fn enums_and_conjunctions() {
        assert_eq!(
            parse(
                "platform eq 'ios' and (enrollmentState eq 'notContacted' and importedDeviceIdentityType eq 'imei')"
            ),
            [
                Clause::PlatformEq(Platform::Ios),
                Clause::StateEq(EnrollmentState::NotContacted),
                Clause::TypeEq(ImportedDeviceIdentityType::Imei),
            ]
        );
        assert_eq!(
            parse("platform eq microsoft.graph.platform'tvos'"),
            [Clause::PlatformEq(Platform::TvOs)]
        );
    }

    #[test]
    fn refuses_what_it_does_not_support() {
        for bad in [
            "",
            "description eq 'x'",
            "platform ne 'ios'",
            "platform eq 'ios' or platform eq 'android'",
            "endswith(importedDeviceIdentifier,'x')",
            "contains(description,'x')",
            "importedDeviceIdentifier eq 'unterminated",
            "importedDeviceIdentifier eq",
            "(platform eq 'ios'",
            "platform eq 'ios')",
            "platform eq 5",
        ] {
            assert!(Filter::parse(bad).is_err(), "{bad:?} should fail");
        }
        assert_eq!(
            Filter::parse("platform eq 'holoLens'"),
            Err(FilterError::EnumLiteral("holoLens".into(), "platform"))
        );
    }

    #[test]
    fn matching_ignores_identifier_case() {
        let id = ImportedDeviceIdentity::new(
            "C02XK0XXJGH5",
            ImportedDeviceIdentityType::SerialNumber,
            Platform::MacOs,
        );
        let lower = "c02xk0xxjgh5";
        let f =
            Filter::parse("startswith(importedDeviceIdentifier,'c02x') and platform eq 'macos'")
                .unwrap();
        assert!(f.matches(&id, lower));
        let g = Filter::parse("contains(importedDeviceIdentifier,'JGH') and platform eq 'ios'")
            .unwrap();
        assert!(!g.matches(&id, lower));
        assert!(Filter::default().matches(&id, lower));
    }
}
