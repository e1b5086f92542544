namespace Forwarder.Core.Tests;

public sealed class EchoedTextTests
{
    [TestCase("192.168.1.199:80")]
    [TestCase("-Lx")]
    [TestCase("a\\x1b is a backslash, not an escape")]
    [TestCase("étage→1")]
    [TestCase("")]
    public void PrintableText_ComesBackUnchanged(string text)
    {
        Assert.That(EchoedText.Of(text), Is.SameAs(text));
    }

    [Test]
    public void PrintableTextOfExactlyTheMaximum_IsNotCut()
    {
        var text = new string('a', EchoedText.MaximumLength);

        Assert.That(EchoedText.Of(text), Is.SameAs(text));
    }

    [TestCase("\u001b[31mred", "\\x1b[31mred")]
    [TestCase("nul\0byte", "nul\\x00byte")]
    [TestCase("tab\tnew\nline\r", "tab\\x09new\\x0aline\\x0d")]
    [TestCase("del\u007f", "del\\x7f")]
    [TestCase("c1\u0080\u009b\u009f", "c1\\x80\\x9b\\x9f")]
    [TestCase("\u00a0after C1", "\u00a0after C1")]
    public void ControlCharacters_AreWrittenAsHexEscapes(string text, string expected)
    {
        Assert.That(EchoedText.Of(text), Is.EqualTo(expected));
    }

    [Test]
    public void LongText_KeepsTheMaximumAndMarksTheCut()
    {
        var echoed = EchoedText.Of(new string('x', 1_000_000));

        Assert.That(echoed, Is.EqualTo(new string('x', EchoedText.MaximumLength) + "..."));
    }

    [Test]
    public void LongTextWithControls_IsCutFirstThenEscaped()
    {
        var echoed = EchoedText.Of(new string('\u001b', 1_000));

        Assert.That(echoed, Is.EqualTo(string.Concat(Enumerable.Repeat("\\x1b", EchoedText.MaximumLength)) + "..."));
    }

    [Test]
    public void Cut_NeverSplitsASurrogatePair()
    {
        var text = new string('a', EchoedText.MaximumLength - 1) + "\U0001F600" + "tail";

        Assert.That(EchoedText.Of(text), Is.EqualTo(new string('a', EchoedText.MaximumLength - 1) + "..."));
    }
}
