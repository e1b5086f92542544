using Forwarder.Ipvsadm.Grammar;

namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>popt takes short options bundled in one word: the command letter first, then its switches.</summary>
public sealed class BundledShortOptionTests
{
    [TestCase("-Ln", ListingFlags.Numeric)]
    [TestCase("-Lnc", ListingFlags.Numeric | ListingFlags.Connections)]
    [TestCase("-lnc", ListingFlags.Numeric | ListingFlags.Connections)]
    [TestCase("-L -n -c", ListingFlags.Numeric | ListingFlags.Connections)]
    [TestCase("-Ln --stats", ListingFlags.Numeric | ListingFlags.Stats)]
    [TestCase("-Ln --rate --exact", ListingFlags.Numeric | ListingFlags.Rate | ListingFlags.Exact)]
    public void Bundle_ListsWithEveryLetter(string line, ListingFlags expected)
    {
        var command = GrammarRig.Parse(line);

        Assert.That(command.Kind, Is.EqualTo(IpvsadmCommandKind.List));
        Assert.That(command.Listing, Is.EqualTo(expected));
    }

    [Test]
    public void SaveBundle_Sn_IsNumericSave()
    {
        var command = GrammarRig.Parse("-Sn");

        Assert.That(command.Kind, Is.EqualTo(IpvsadmCommandKind.Save));
        Assert.That(command.Listing, Is.EqualTo(ListingFlags.Numeric));
    }

    [Test]
    public void ListBundle_WithService_ListsThatService()
    {
        var command = GrammarRig.Parse("-Ln -t 10.0.0.1:80");

        Assert.That(command.Service, Is.EqualTo(GrammarRig.Tcp("10.0.0.1", 80)));
    }
}
