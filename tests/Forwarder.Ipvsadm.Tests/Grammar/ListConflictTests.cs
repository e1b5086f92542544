namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>
/// The '1' columns of the list row (connection, service-address, timeout, daemon) allow one of them: the
/// later column is named as conflicting with the earlier. Then process_options refuses the listing mixes it cannot print.
/// </summary>
public sealed class ListConflictTests
{
    [TestCase("-L -c -t 10.0.0.1:80", "service-address", "connection")]
    [TestCase("-L -t 10.0.0.1:80 -c", "service-address", "connection")]
    [TestCase("-L -c --timeout", "timeout", "connection")]
    [TestCase("-L --timeout --daemon", "daemon", "timeout")]
    [TestCase("-L -t 10.0.0.1:80 --daemon", "daemon", "service-address")]
    public void TwoExclusiveOptions_Conflict(string line, string later, string earlier)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo($"The option '{later}' conflicts with the '{earlier}' option in the 'list' command"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [TestCase("-L -c --stats")]
    [TestCase("-L -c --rate")]
    [TestCase("-L --timeout --thresholds")]
    [TestCase("-L --daemon --persistent-conn")]
    [TestCase("-L --timeout --persistent-conn")]
    public void ListingMixIpvsadmCannotPrint_IsOptionsConflict(string line)
    {
        var refusal = GrammarRig.Refusal(line);

        Assert.That(refusal.Message, Is.EqualTo("options conflicts in the list command"));
        Assert.That(refusal.ExitCode, Is.EqualTo(2));
    }

    [TestCase("-L -c --persistent-conn")]
    [TestCase("-L -t 10.0.0.1:80 --stats")]
    [TestCase("-L --stats --rate --thresholds")]
    public void CompatibleListingOptions_AreAccepted(string line)
    {
        Assert.That(() => GrammarRig.Parse(line), Throws.Nothing);
    }
}
