using Forwarder.Core.Services;

namespace Forwarder.Core.Scheduling;

/// <summary>
/// wrr, as <c>ip_vs_wrr.c</c>. State: the current position (the list head or a destination), the current
/// weight cw, the step di (gcd of the positive weights) and the top mw (max weight - (di - 1), so the last
/// pass asks for weight &gt;= 1). Each call walks on from the current position and takes the first
/// destination that is not overloaded and weighs at least cw; at the end of the list cw drops by di, and
/// below 1 it starts again at mw. The call gives up once every destination has been asked for weight
/// &gt;= 1 from a full circle (the kernel's "last pass" rules), leaving the position at the head.
/// </summary>
public sealed class WeightedRoundRobinScheduler : IScheduler
{
    /// <summary>Stands for the list head in <see cref="_current"/> and <see cref="Schedule"/>'s walk.</summary>
    private const int Head = -1;

    /// <summary>Index of the destination chosen last, or <see cref="Head"/>. The list does not change between notifications, and every notification resets it.</summary>
    private int _current = Head;
    private int _currentWeight;
    private int _maxWeight;
    private int _step = 1;

    public string Name => "wrr";

    public void Initialize(VirtualService service)
    {
        // As init_service: a fresh mark, cw starting at mw.
        _current = Head;
        _step = GcdOfPositiveWeights(service.Destinations);
        _maxWeight = MaxWeight(service.Destinations) - (_step - 1);
        _currentWeight = _maxWeight;
    }

    public void OnDestinationAdded(VirtualService service, Destination destination) => Recompute(service);

    public void OnDestinationRemoved(VirtualService service, Destination destination, int formerIndex) => Recompute(service);

    public void OnDestinationUpdated(VirtualService service, Destination destination) => Recompute(service);

    public Destination? Schedule(VirtualService service, in FlowInfo flow)
    {
        var list = service.Destinations;
        var count = list.Count;
        var position = _current;
        if (_maxWeight == 0)
        {
            // No positive weight at all: fail without moving.
            return null;
        }
        var last = position;
        var stop = int.MinValue;
        var lastPass = false;
        var restarted = false;
        while (true)
        {
            for (position++; position < count; position++)
            {
                var candidate = list[position];
                if (!candidate.IsOverloaded && candidate.Weight >= _currentWeight)
                {
                    _current = position;
                    return candidate;
                }
                if (position == stop)
                {
                    _current = position;
                    return null;
                }
            }
            // Walked off the end: the kernel's cursor is back on the head.
            position = Head;
            _currentWeight -= _step;
            if (_currentWeight <= 0)
            {
                _currentWeight = _maxWeight;
                // Give up when the pass for weight >= 1 already covered everything: either it started
                // as a last pass, or it started from the head.
                if (lastPass || last == Head)
                {
                    _current = Head;
                    return null;
                }
                restarted = true;
            }
            lastPass = _currentWeight <= _step;
            if (lastPass && restarted && last != Head)
            {
                // The first weight >= 1 pass only covered what lay after 'last'; cover the rest up to it.
                stop = last;
            }
        }
    }

    /// <summary>As <c>ip_vs_wrr_dest_changed</c>: back to the head, new di and mw, cw kept in range and on the di grid.</summary>
    private void Recompute(VirtualService service)
    {
        _current = Head;
        _step = GcdOfPositiveWeights(service.Destinations);
        _maxWeight = MaxWeight(service.Destinations) - (_step - 1);
        if (_currentWeight > _maxWeight || _currentWeight == 0)
        {
            _currentWeight = _maxWeight;
        }
        else if (_step > 1)
        {
            _currentWeight = _currentWeight / _step * _step + 1;
        }
    }

    private static int GcdOfPositiveWeights(IReadOnlyList<Destination> list)
    {
        var gcd = 0;
        foreach (var destination in list)
        {
            var weight = destination.Weight;
            if (weight > 0)
            {
                gcd = gcd > 0 ? Gcd(weight, gcd) : weight;
            }
        }
        return gcd > 0 ? gcd : 1;
    }

    private static int MaxWeight(IReadOnlyList<Destination> list)
    {
        var max = 0;
        foreach (var destination in list)
        {
            max = Math.Max(max, destination.Weight);
        }
        return max;
    }

    internal static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
