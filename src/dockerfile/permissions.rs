//! What a `chmod` (or `COPY --chmod`) does to permissions: sets the setuid
//! or setgid bit, or makes files writable by every user.

use super::shell::Command;
use super::syntax::Word;

/// What a mode grants, of what the rules care about.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Grants {
    /// Setuid or setgid.
    pub set_id: bool,
    /// Write for others (`o+w`, `a+w`, `777`).
    pub world_writable: bool,
    /// Execute for others too: an executable anyone can rewrite.
    pub world_executable: bool,
}

/// What a mode (`4755`, `u+s`, `a+rwx,o-x`, `0777`) grants; a sticky
/// directory mode (`1777`, `+t`) is no world-writable hazard.
pub fn grants(mode: &str) -> Grants {
    if !mode.is_empty() && mode.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
        let digits: Vec<u32> = mode.bytes().map(|b| u32::from(b - b'0')).collect();
        let others = digits.last().copied().unwrap_or(0);
        let special = if digits.len() >= 4 {
            digits[digits.len() - 4]
        } else {
            0
        };
        let sticky = special & 1 == 1;
        return Grants {
            set_id: special & 6 != 0,
            world_writable: others & 2 != 0 && !sticky,
            world_executable: others & 2 != 0 && others & 1 != 0 && !sticky,
        };
    }
    let mut out = Grants::default();
    // A sticky bit anywhere (`ugo+rwx,o+t`) makes a shared directory.
    let sticky = mode.split(',').any(|clause| {
        clause
            .split_once(['+', '='])
            .is_some_and(|(_, perms)| perms.contains('t'))
    });
    for clause in mode.split(',') {
        let who_end = clause
            .find(|c: char| !matches!(c, 'u' | 'g' | 'o' | 'a'))
            .unwrap_or(clause.len());
        let who = &clause[..who_end];
        let Some(op) = clause[who_end..].chars().next() else {
            continue;
        };
        if op != '+' && op != '=' {
            continue;
        }
        let perms = &clause[who_end + 1..];
        let others = who.contains('o') || who.contains('a');
        if perms.contains('s')
            && (who.is_empty() || who.contains('u') || who.contains('g') || who.contains('a'))
        {
            out.set_id = true;
        }
        if others && perms.contains('w') && !sticky {
            out.world_writable = true;
            out.world_executable |= perms.contains('x');
        }
    }
    out
}

/// A `chmod` command's mode word and what it grants, unless every file
/// it changes is a temporary one (`/tmp/…`, `"$tempDir"`, `$TMPDIR`).
pub fn chmod(command: &Command) -> Option<(&Word, Grants)> {
    if command.program()? != "chmod" {
        return None;
    }
    // The first argument that is not an option (`-R`, `--recursive`);
    // `-w` is a mode.
    let mode = command.arguments().iter().find(|w| {
        let t = w.text.as_str();
        !(t.starts_with("--") || (t.len() == 2 && matches!(t, "-R" | "-f" | "-v" | "-c" | "-h")))
    })?;
    let mut targets = command
        .arguments()
        .iter()
        .skip_while(|w| !std::ptr::eq(*w, mode))
        .skip(1)
        .peekable();
    targets.peek()?;
    let temporary = |w: &Word| {
        let t = w.text.to_ascii_lowercase();
        t.contains("tmp") || t.contains("temp")
    };
    if targets.all(temporary) {
        return None;
    }
    Some((mode, grants(&mode.text)))
}

#[cfg(test)]
mod tests {
    use super::grants;

    #[test]
    fn reads_octal_and_symbolic_modes() {
        assert!(grants("4755").set_id && !grants("4755").world_writable);
        assert!(grants("2755").set_id);
        assert!(!grants("0755").set_id && !grants("755").set_id);
        assert!(grants("777").world_writable && grants("0777").world_executable);
        assert!(grants("666").world_writable && !grants("666").world_executable);
        assert!(!grants("1777").world_writable, "a sticky /tmp is normal");
        assert!(grants("u+s").set_id && grants("+s").set_id && grants("g+s").set_id);
        assert!(grants("a+rwx").world_executable && grants("o+w").world_writable);
        assert!(!grants("u+w").world_writable && !grants("+x").set_id);
        assert!(!grants("o-w").world_writable);
        assert!(
            !grants("ugo+rwx,o+t").world_writable,
            "a sticky shared directory"
        );
    }
}
