namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>As ipvsadm's parse_options, values are checked as they are read, before the command/option table.</summary>
public sealed class ValueCheckOrderTests
{
    [Test]
    public void BadWeightOnAddService_IsIllegalWeightBeforeTheTableCheck()
    {
        Assert.That(GrammarRig.Refusal("-A -t 10.0.0.1:80 -w 2147483648").Message, Is.EqualTo("illegal weight specified"));
    }

    [Test]
    public void GoodWeightOnAddService_IsRefusedByTheTable()
    {
        Assert.That(GrammarRig.Refusal("-A -t 10.0.0.1:80 -w 3").Message, Is.EqualTo("Illegal 'weight' option with the 'add-service' command"));
    }

    /// <summary>--sort is a no-op in ipvsadm and is not passed to set_option, so giving it twice is fine.</summary>
    [Test]
    public void RepeatedSort_IsAccepted()
    {
        Assert.That(GrammarRig.Parse("-L --sort --sort").Kind, Is.EqualTo(Forwarder.Ipvsadm.Grammar.IpvsadmCommandKind.List));
    }
}
