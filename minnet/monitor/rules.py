"""Every threshold that ``preflight`` and ``diagnose`` use, in one table, each with its reason.

A threshold is set where the sources and the published tools put the line between healthy and
broken, on a log scale where the quantity spans orders of magnitude, and never between two numbers
that differ only by noise. Each rule is measured on minnet's own broken and fixed catalog runs and
on healthy runs it was not tuned on (``tests/monitor``, ``benchmarks/README.md``).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Threshold:
    value: float
    reason: str


T: dict[str, Threshold] = {
    # ---- data -----------------------------------------------------------------------------------
    "input_rms_max": Threshold(
        10.0, "a feature's root-mean-square value above 10 is an order of magnitude beyond the unit scale "
              "that initialization, activations and optimizers assume (002 Normalize: mean ~0, std ~1); "
              "bytes 0..255 give ~100"),
    "input_scale_ratio": Threshold(
        100.0, "features whose scales (RMS) differ by two orders of magnitude let the large ones dominate "
               "the gradient (000: features with vastly different ranges)"),
    "constant_rel_std": Threshold(
        1e-7, "a standard deviation below 1e-7 of the feature's magnitude is float rounding, not signal: "
              "dividing by it turns rounding noise into huge values (002 Normalize, And?)"),
    "target_rms_max": Threshold(
        10.0, "an untrained network outputs values of order 1; targets ten times larger make the first "
              "errors and gradients huge (002 Normalize, And?: 0..255)"),
    "imbalance_ratio": Threshold(
        10.0, "the largest class outnumbering the smallest by an order of magnitude biases the network "
              "toward the large class (003 imbalanced datasets)"),
    # ---- model and initialization -----------------------------------------------------------------
    "init_scale_change": Threshold(
        100.0, "activation std changing by two orders of magnitude from the first to the last layer at "
               "initialization is what Glorot & Bengio (2010) show for bad scales; a matched init keeps "
               "it within a factor of a few"),
    "init_loss_excess": Threshold(
        1.0, "an unsure classifier has loss ln C at initialization (Karpathy's recipe, cs231n). Logits of "
             "std s give about ln C + s^2/2, and a He-initialized output layer lands 0.5-1 nat above ln C; "
             "the warning needs more than max(1 nat, ln C) above it (twice ln C for ten classes): logits of "
             "std s > sqrt(2 max(1, ln C)), beyond the unit scale Xavier/He keep"),
    "dead_fraction": Threshold(
        0.5, "half of a ReLU layer's units never active; cs231n reports up to 40% dead with a too-high "
             "learning rate, healthy He-initialized layers have a few percent (DeepDiagnosis uses 70% "
             "of outputs <= 0, a weaker test)"),
    "saturated_fraction": Threshold(
        0.5, "half of the sigmoid/tanh outputs in the flat tails (|tanh| > 0.97: derivative < 0.06); "
             "DeepDiagnosis flags > 50% of pre-activations beyond its saturation bound"),
    # ---- gradients ------------------------------------------------------------------------------
    "vanishing_ratio": Threshold(
        1e-3, "first-layer gradient norm below 1/1000 of the last layer's (AUTOTRAINER's bound); a deep "
              "sigmoid net gives ~1e-6, ReLU with He init ~0.1-1"),
    "exploding_ratio": Threshold(
        1e3, "first-layer gradient norm above 1000 times the last layer's, or the total gradient norm "
             "growing by three orders of magnitude during training"),
    "grad_growth": Threshold(
        1e3, "the total gradient norm growing 1000-fold from its early typical value during training "
             "(healthy runs stay within a factor of ten or so)"),
    # ---- learning rate --------------------------------------------------------------------------
    "update_ratio_high": Threshold(
        1e-1, "each step changing a layer's weights by more than 10% of their norm; cs231n's healthy "
              "value is ~1e-3, TheDeepChecker and DeepDiagnosis bound it at 1e-1"),
    "update_ratio_low": Threshold(
        1e-4, "each step changing even the fastest layer's weights by less than 1e-4 of their norm early in "
              "training: an order of magnitude below cs231n's healthy ~1e-3, TheDeepChecker's lower bound "
              "(DeepDiagnosis uses 1e-5, which misses an SGD lr a thousand times too small: ~4e-5 on the digits)"),
    "clipped_fraction": Threshold(
        0.5, "gradient clipping engaged on most steps: it no longer guards against a rare spike but "
             "sets the step size on its own (002 Learning Rate, Why?)"),
    # ---- curves ---------------------------------------------------------------------------------
    "flat_improvement": Threshold(
        0.05, "a loss that falls by less than 5% from its start over the whole run has not learned "
              "(TheDeepChecker: loss not falling 5% per window)"),
    "overfit_rise": Threshold(
        0.1, "validation loss 10% above its minimum while the training loss keeps falling; epoch-to-epoch "
             "noise of a validation loss on ~100+ samples is a few percent"),
    "overfit_rise_sigmas": Threshold(
        3.0, "the rise must stand three standard deviations above the validation loss's own scatter around "
             "its trend, estimated from the median absolute second difference of the epochs "
             "(sigma = median|v[i+1] - 2 v[i] + v[i-1]| / (0.6745 * sqrt 6)); a loss that bounces from epoch "
             "to epoch, as with a learning rate too high, rises and falls by more than 10% without overfitting"),
    "overfit_gap": Threshold(
        0.05, "training accuracy five points above validation accuracy at the end (with a rising "
              "validation loss)"),
    "overfit_large_gap": Threshold(
        0.15, "training accuracy fifteen points above validation accuracy at the end, whatever the losses "
              "do: healthy runs here stay within a few points (001 Overfitting: Training accuracy >> "
              "Validation accuracy)"),
    "underfit_accuracy": Threshold(
        0.8, "training accuracy below 80% at the end on a task the model is meant to fit"),
    "underfit_r2": Threshold(
        0.8, "a regression explaining less than 80% of the training targets' variance at the end. A curve "
             "alone cannot tell a capacity ceiling from noise in the targets: on data whose noise is more "
             "than a fifth of the targets' variance this fires on a model that fits all there is to fit, "
             "so the finding's message states R^2 for the reader to weigh"),
    "plateau_slope": Threshold(
        0.01, "less than 1% relative improvement of the training loss per epoch over the last third "
              "of training: the curve has flattened"),
    "still_improving_drop": Threshold(
        0.05, "the validation loss fell by more than 5% over the last three epochs and is at its "
              "minimum at the end: more epochs would still help"),
    "still_improving_share": Threshold(
        0.1, "... and those three epochs brought at least a tenth of all the improvement since the first "
             "epoch: the curve is still in its steep part, not creeping along a floor"),
    "contradicted_p": Threshold(
        0.1, "a training label the trained model gives less than 10% probability while predicting another "
             "class: with a fraction e of labels flipped, a calibrated model gives a flipped label ~e/(C-1)"),
    "contradicted_fraction": Threshold(
        0.05, "5% of the training samples contradicted so; a healthy classifier on clean labels "
              "contradicts almost none (0% on the digits)"),
    "competent_agreement": Threshold(
        0.5, "only a model that agrees with at least half the training labels of every class is asked: a "
             "broken or too small model contradicts whole classes, which says nothing about the labels"),
    "inference_difference": Threshold(
        1e-4, "two predictions of the same input (twice, or alone and in a batch) differing by more than "
              "1e-4 of the outputs' scale (at least 1) come from dropout or batch statistics, which change "
              "outputs by a sizeable fraction; float32 rounding through a few layers stays near 1e-7-1e-6"),
    "agreement_tolerance": Threshold(
        0.02, "noisy training labels are trusted as the cause only when validation accuracy is at least "
              "the model's agreement with its training labels (less two points of sampling noise); a "
              "model that merely trains badly does worse on held-out data, not better"),
    "plateau_accuracy_gain": Threshold(
        0.05, "training accuracy rising by less than five points over the last third of the epochs: "
              "it has levelled off"),
    "overfit_tiny_steps": Threshold(
        300, "Adam steps allowed to fit the tiny batch (lr 1e-2): a working model fits 8 samples in "
             "a hundred or two"),
    "overfit_tiny_loss": Threshold(
        0.1, "the tiny batch counts as fitted when its loss falls to a tenth of where it started (and "
             "every sample is classified right): a pipeline bug leaves it near its start"),
}


def value(name: str) -> float:
    """The value of threshold ``name`` (see :data:`T` for why it is what it is)."""
    return T[name].value
