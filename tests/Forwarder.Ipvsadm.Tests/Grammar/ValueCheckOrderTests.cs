namespace Forwarder.Ipvsadm.Tests.Grammar;

/// <summary>As ipvsadm's parse_options, values are checked as they are read, before the command/option table.</summary>
public sealed class ValueCheckOrderTests
{
    [Test]
    public void BadWeightOnAddService_IsIllegalWeightBeforeTheTableCheck()
    {
        Assert.That(GrammarRig.Refusal("-A -t 10.0.0.1:80 -w 70000").Message, Is.EqualTo("illegal weight specified"));
    }

    [Test]
    public void GoodWeightOnAddService_IsRefusedByTheTable()
    {
        Assert.That(GrammarRig.Refusal("-A -t 10.0.0.1:80 -w 3").Message, Is.EqualTo("Illegal 'weight' option with the 'add-service' command"));
    }
}
