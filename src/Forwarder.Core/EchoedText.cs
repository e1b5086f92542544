using System.Globalization;
using System.Text;

namespace Forwarder.Core;

/// <summary>
/// A word of user input as an error message repeats it. ipvsadm prints the word it refuses with a plain %s;
/// we must not send a terminal control bytes, nor a megabyte of one word. So a control character (C0
/// U+0000-U+001F, DEL U+007F, C1 U+0080-U+009F) is written <c>\xHH</c>, its code in two lower-case hex digits
/// (ESC is <c>\x1b</c>, NUL <c>\x00</c>), and a word longer than <see cref="MaximumLength"/> characters keeps its
/// first <see cref="MaximumLength"/> and ends in <see cref="CutMark"/>. Printable text no longer than that, the
/// ordinary case, comes back as it is, so messages stay ipvsadm's byte for byte. A backslash is kept as it is:
/// the escape makes the message safe to print, not reversible.
/// </summary>
public static class EchoedText
{
    public const int MaximumLength = 256;

    public const string CutMark = "...";

    public static string Of(string text)
    {
        var kept = Math.Min(text.Length, MaximumLength);
        // Never cut between the two halves of a surrogate pair.
        if (kept < text.Length && char.IsHighSurrogate(text[kept - 1]))
        {
            kept--;
        }
        var cut = kept < text.Length;
        if (!cut && !HasControlCharacter(text))
        {
            return text;
        }
        var echoed = new StringBuilder(kept + CutMark.Length);
        foreach (var character in text.AsSpan(0, kept))
        {
            if (IsControl(character))
            {
                echoed.Append(CultureInfo.InvariantCulture, $"\\x{(int)character:x2}");
            }
            else
            {
                echoed.Append(character);
            }
        }
        return cut ? echoed.Append(CutMark).ToString() : echoed.ToString();
    }

    private static bool HasControlCharacter(string text)
    {
        foreach (var character in text)
        {
            if (IsControl(character))
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsControl(char character) => character < '\u0020' || character is >= '\u007f' and <= '\u009f';
}
