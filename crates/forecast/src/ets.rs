//! Exponential smoothing state-space models (ETS, Hyndman et al. 2002/2008) with the model
//! chosen by AICc among additive and multiplicative error, no/additive/damped trend and
//! no/additive/multiplicative season, as R's `forecast::ets` and statsforecast's `AutoETS` do.
//!
//! To stay fast (a round backtests every line), the initial states come from a classical
//! decomposition of the first years (as those packages use for their starting values) and
//! only the smoothing parameters (α, β, γ, φ) are estimated, by Nelder–Mead on the likelihood.
//! The initial states still count as estimated parameters in the AICc, as they do there.

/// A model's trend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    /// No trend.
    None,
    /// Additive trend.
    Additive,
    /// Additive damped trend (φ < 1).
    Damped,
}

/// A model's season (or error) component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Absent (season only).
    None,
    /// Additive.
    Additive,
    /// Multiplicative.
    Multiplicative,
}

/// An ETS model: error, trend and season.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EtsModel {
    /// Additive or multiplicative error.
    pub error: Kind,
    /// Trend.
    pub trend: Trend,
    /// Season.
    pub season: Kind,
}

impl EtsModel {
    /// The usual notation, e.g. `ETS(M,Ad,M)`.
    pub fn notation(&self) -> String {
        let k = |k: Kind| match k {
            Kind::None => "N",
            Kind::Additive => "A",
            Kind::Multiplicative => "M",
        };
        let t = match self.trend {
            Trend::None => "N",
            Trend::Additive => "A",
            Trend::Damped => "Ad",
        };
        format!("ETS({},{t},{})", k(self.error), k(self.season))
    }

    /// The models tried, as `forecast::ets` does by default: no multiplicative trend, and no
    /// additive error with a multiplicative season (numerically unstable).
    pub fn all() -> Vec<EtsModel> {
        let mut v = Vec::new();
        for error in [Kind::Additive, Kind::Multiplicative] {
            for trend in [Trend::None, Trend::Additive, Trend::Damped] {
                for season in [Kind::None, Kind::Additive, Kind::Multiplicative] {
                    if error == Kind::Additive && season == Kind::Multiplicative {
                        continue;
                    }
                    v.push(EtsModel {
                        error,
                        trend,
                        season,
                    });
                }
            }
        }
        v
    }

    /// The models delar fits, chosen by evaluation on real monthly series
    /// (docs/FORECASTING.md): a season, no trend (the level follows a change within the
    /// year; trend and damped-trend models extrapolated too far); when every month is
    /// positive (`positive`) multiplicative error with an additive or multiplicative season,
    /// chosen by AICc, else additive error and season. The full AutoETS set
    /// ([`EtsModel::all`]) was measured less accurate on the full-year totals.
    pub fn chosen(positive: bool) -> Vec<EtsModel> {
        let m = |error, season| EtsModel {
            error,
            trend: Trend::None,
            season,
        };
        if positive {
            vec![
                m(Kind::Multiplicative, Kind::Additive),
                m(Kind::Multiplicative, Kind::Multiplicative),
            ]
        } else {
            vec![m(Kind::Additive, Kind::Additive)]
        }
    }

    fn multiplicative(&self) -> bool {
        self.error == Kind::Multiplicative || self.season == Kind::Multiplicative
    }
}

/// A fitted model and its forecast.
#[derive(Clone, Debug, PartialEq)]
pub struct EtsFit {
    /// The model chosen.
    pub model: EtsModel,
    /// Level smoothing.
    pub alpha: f64,
    /// Trend smoothing (0 without trend).
    pub beta: f64,
    /// Season smoothing (0 without season).
    pub gamma: f64,
    /// Damping (1 without damping).
    pub phi: f64,
    /// The model's AICc (smaller is better).
    pub aicc: f64,
    /// Number of models that could be fitted and compared.
    pub compared: usize,
    /// Point forecasts for the next `horizon` periods.
    pub forecast: Vec<f64>,
}

#[derive(Clone, Copy)]
struct Init {
    level: f64,
    trend: f64,
}

/// Initial states from the first years: seasonal indices from a centred moving average
/// (differences or ratios, normalised), then level and slope by least squares on the first
/// two seasonally adjusted years.
fn initial(y: &[f64], period: usize, model: EtsModel) -> Option<(Init, Vec<f64>)> {
    let mult = model.season == Kind::Multiplicative;
    let mut season = vec![if mult { 1.0 } else { 0.0 }; period.max(1)];
    if model.season != Kind::None {
        let n = y.len().min(3 * period);
        if n < 2 * period {
            return None;
        }
        let half = period / 2;
        let mut sums = vec![0.0; period];
        let mut counts = vec![0usize; period];
        for t in half..n - half {
            // 2×m centred moving average (m even).
            let mut s = 0.5 * (y[t - half] + y[t + half]);
            for v in &y[t + 1 - half..t + half] {
                s += v;
            }
            let ma = s / period as f64;
            let d = if mult {
                if ma <= 0.0 {
                    return None;
                }
                y[t] / ma
            } else {
                y[t] - ma
            };
            sums[t % period] += d;
            counts[t % period] += 1;
        }
        for i in 0..period {
            if counts[i] == 0 {
                return None;
            }
            season[i] = sums[i] / counts[i] as f64;
        }
        let mean = season.iter().sum::<f64>() / period as f64;
        for s in season.iter_mut() {
            if mult {
                if mean <= 0.0 {
                    return None;
                }
                *s /= mean;
            } else {
                *s -= mean;
            }
        }
    }
    let l = y.len().min(2 * period.max(6));
    let adj: Vec<f64> = (0..l)
        .map(|t| match model.season {
            Kind::None => y[t],
            Kind::Additive => y[t] - season[t % period],
            Kind::Multiplicative => y[t] / season[t % period],
        })
        .collect();
    let init = if model.trend == Trend::None {
        Init {
            level: adj.iter().sum::<f64>() / l as f64,
            trend: 0.0,
        }
    } else {
        let tm = (l as f64 - 1.0) / 2.0;
        let ym = adj.iter().sum::<f64>() / l as f64;
        let (mut sxy, mut sxx) = (0.0, 0.0);
        for (t, v) in adj.iter().enumerate() {
            sxy += (t as f64 - tm) * (v - ym);
            sxx += (t as f64 - tm) * (t as f64 - tm);
        }
        let slope = sxy / sxx;
        // The level before the first observation: the regression line at t = −1.
        Init {
            level: ym - slope * (tm + 1.0),
            trend: slope,
        }
    };
    Some((init, season))
}

struct Params {
    alpha: f64,
    beta: f64,
    gamma: f64,
    phi: f64,
}

/// Map the optimiser's point in [0, 1]^d onto admissible parameters (β ≤ α, γ ≤ 1 − α,
/// 0,8 ≤ φ ≤ 0,98 as `forecast::ets` bounds them).
fn params(model: EtsModel, u: &[f64]) -> Params {
    let c = |x: f64| x.clamp(0.0, 1.0);
    const LO: f64 = 1e-4;
    let alpha = LO + c(u[0]) * (1.0 - 2.0 * LO);
    let mut i = 1;
    let beta = if model.trend != Trend::None {
        i += 1;
        LO + c(u[i - 1]) * (alpha - LO)
    } else {
        0.0
    };
    let gamma = if model.season != Kind::None {
        i += 1;
        LO + c(u[i - 1]) * (1.0 - alpha - LO).max(0.0)
    } else {
        0.0
    };
    let phi = match model.trend {
        Trend::Damped => 0.8 + c(u[i]) * 0.18,
        Trend::Additive => 1.0,
        Trend::None => 0.0,
    };
    Params {
        alpha,
        beta,
        gamma,
        phi,
    }
}

/// Run the model over `y`: the likelihood term (−2 log L up to a constant shared by all
/// models) and the final level, trend and seasonal states.
fn run(
    y: &[f64],
    period: usize,
    model: EtsModel,
    p: &Params,
    init: Init,
    season0: &[f64],
    season: &mut [f64],
) -> Option<(f64, f64, f64)> {
    season.copy_from_slice(season0);
    let (mut l, mut b) = (init.level, init.trend);
    let (mut sse, mut logs) = (0.0, 0.0);
    // Σ log ŷ as the log of running products (a logarithm per 16 months, not per month:
    // the likelihood is evaluated thousands of times per fit). ŷ > 0 here (checked below).
    let (mut prod, mut in_prod) = (1.0f64, 0usize);
    let me = model.error == Kind::Multiplicative;
    for (t, &v) in y.iter().enumerate() {
        let i = t % period;
        let s = season[i];
        let base = l + p.phi * b;
        let yhat = match model.season {
            Kind::Multiplicative => base * s,
            Kind::Additive => base + s,
            Kind::None => base,
        };
        if me && yhat <= 0.0 {
            return None;
        }
        let e = v - yhat;
        if me {
            let r = e / yhat;
            sse += r * r;
            prod *= yhat;
            in_prod += 1;
            if in_prod == 16 {
                logs += prod.ln();
                prod = 1.0;
                in_prod = 0;
            }
        } else {
            sse += e * e;
        }
        match model.season {
            Kind::Multiplicative => {
                // Additive or multiplicative error: the corrections in terms of y − ŷ.
                let nl = base + p.alpha * e / s;
                b = p.phi * b + p.beta * e / s;
                season[i] = s + p.gamma * e / base;
                l = nl;
            }
            _ => {
                let nl = base + p.alpha * e;
                b = p.phi * b + p.beta * e;
                season[i] = s + p.gamma * e;
                l = nl;
            }
        }
        if !l.is_finite() {
            return None;
        }
    }
    let n = y.len() as f64;
    if sse <= 0.0 {
        sse = f64::MIN_POSITIVE;
    }
    logs += prod.ln();
    let lik = n * sse.ln() + 2.0 * logs;
    lik.is_finite().then_some((lik, l, b))
}

/// Most parameters a model has (α, β, γ, φ).
const MAX_D: usize = 4;

/// Nelder–Mead minimisation in `d ≤ 4` dimensions from `start` (small and fixed budget: the
/// likelihood surface of these models is smooth and the parameters are bounded). Works on
/// fixed-size arrays: it runs thousands of times per round.
fn nelder_mead(f: &mut dyn FnMut(&[f64]) -> f64, start: &[f64], max_evals: usize) -> Vec<f64> {
    let d = start.len();
    debug_assert!(d <= MAX_D);
    let mut pts = [[0.0; MAX_D]; MAX_D + 1];
    let mut vals = [0.0; MAX_D + 1];
    for (i, p) in pts.iter_mut().enumerate().take(d + 1) {
        p[..d].copy_from_slice(start);
        if i > 0 {
            let j = i - 1;
            p[j] = if p[j] + 0.2 <= 1.0 {
                p[j] + 0.2
            } else {
                p[j] - 0.2
            };
        }
        vals[i] = f(&p[..d]);
    }
    let mut evals = d + 1;
    while evals < max_evals {
        // Order the simplex, best first (insertion sort: at most five points).
        for i in 1..=d {
            let mut j = i;
            while j > 0 && vals[j] < vals[j - 1] {
                vals.swap(j, j - 1);
                pts.swap(j, j - 1);
                j -= 1;
            }
        }
        if (vals[d] - vals[0]).abs() <= 1e-5 * (vals[0].abs() + 1e-10) {
            break;
        }
        let mut centroid = [0.0; MAX_D];
        for p in &pts[..d] {
            for j in 0..d {
                centroid[j] += p[j] / d as f64;
            }
        }
        let worst = pts[d];
        let along = |t: f64| -> [f64; MAX_D] {
            let mut x = [0.0; MAX_D];
            for j in 0..d {
                x[j] = centroid[j] + t * (worst[j] - centroid[j]);
            }
            x
        };
        let xr = along(-1.0);
        let fr = f(&xr[..d]);
        evals += 1;
        if fr < vals[0] {
            let xe = along(-2.0);
            let fe = f(&xe[..d]);
            evals += 1;
            if fe < fr {
                pts[d] = xe;
                vals[d] = fe;
            } else {
                pts[d] = xr;
                vals[d] = fr;
            }
        } else if fr < vals[d - 1] {
            pts[d] = xr;
            vals[d] = fr;
        } else {
            let xc = if fr < vals[d] {
                along(-0.5)
            } else {
                along(0.5)
            };
            let fc = f(&xc[..d]);
            evals += 1;
            if fc < vals[d].min(fr) {
                pts[d] = xc;
                vals[d] = fc;
            } else {
                let best = pts[0];
                for i in 1..=d {
                    for j in 0..d {
                        pts[i][j] = 0.5 * (best[j] + pts[i][j]);
                    }
                    vals[i] = f(&pts[i][..d]);
                    evals += 1;
                }
            }
        }
    }
    let best = (0..=d)
        .min_by(|&a, &b| vals[a].total_cmp(&vals[b]))
        .unwrap_or(0);
    pts[best][..d].to_vec()
}

/// Fit one model; `None` when it cannot be used on the data (too short, or non-positive
/// values for a multiplicative component).
pub fn fit(y: &[f64], period: usize, model: EtsModel, horizon: usize) -> Option<EtsFit> {
    if model.multiplicative() && y.iter().any(|v| *v <= 0.0) {
        return None;
    }
    let (init, season0) = initial(y, period, model)?;
    let d = 1
        + usize::from(model.trend != Trend::None)
        + usize::from(model.season != Kind::None)
        + usize::from(model.trend == Trend::Damped);
    let states = 1
        + usize::from(model.trend != Trend::None)
        + if model.season != Kind::None {
            period - 1
        } else {
            0
        };
    let k = (d + states + 1) as f64;
    let n = y.len() as f64;
    if n - k - 1.0 <= 0.0 {
        return None;
    }
    let mut season = season0.clone();
    let mut objective = |u: &[f64]| -> f64 {
        let p = params(model, u);
        let outside: f64 = u.iter().map(|x| (x - x.clamp(0.0, 1.0)).abs()).sum();
        match run(y, period, model, &p, init, &season0, &mut season) {
            Some((lik, _, _)) => lik + 1e3 * outside,
            None => f64::INFINITY,
        }
    };
    // Start as forecast::ets does: α = 0,1; β = 0,01; γ = 0,01; φ = 0,9 (here as fractions
    // of their admissible ranges).
    let mut start = vec![0.1];
    if model.trend != Trend::None {
        start.push(0.1);
    }
    if model.season != Kind::None {
        start.push(0.02);
    }
    if model.trend == Trend::Damped {
        start.push(0.55);
    }
    let best = nelder_mead(&mut objective, &start, 40 * d);
    let p = params(model, &best);
    let mut season = season0.clone();
    let (lik, l, b) = run(y, period, model, &p, init, &season0, &mut season)?;
    let aicc = lik + 2.0 * k + 2.0 * k * (k + 1.0) / (n - k - 1.0);
    let len = y.len();
    let mut damp = 0.0;
    let mut phi_h = 1.0;
    let forecast = (1..=horizon)
        .map(|h| {
            match model.trend {
                Trend::None => {}
                Trend::Additive => damp = h as f64,
                Trend::Damped => {
                    phi_h *= p.phi;
                    damp += phi_h;
                }
            }
            let base = l + damp * b;
            let s = season[(len + h - 1) % period];
            match model.season {
                Kind::Multiplicative => base * s,
                Kind::Additive => base + s,
                Kind::None => base,
            }
        })
        .collect::<Vec<f64>>();
    forecast.iter().all(|v| v.is_finite()).then_some(EtsFit {
        model,
        alpha: p.alpha,
        beta: p.beta,
        gamma: p.gamma,
        phi: if model.trend == Trend::None {
            1.0
        } else {
            p.phi
        },
        aicc,
        compared: 1,
        forecast,
    })
}

/// Fit every model in `models` and keep the one with the smallest AICc.
pub fn auto_ets(y: &[f64], period: usize, horizon: usize, models: &[EtsModel]) -> Option<EtsFit> {
    let mut best: Option<EtsFit> = None;
    let mut compared = 0;
    for &m in models {
        if let Some(f) = fit(y, period, m, horizon) {
            compared += 1;
            if best.as_ref().is_none_or(|b| f.aicc < b.aicc) {
                best = Some(f);
            }
        }
    }
    best.map(|b| EtsFit { compared, ..b })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A multiplicative season on a growing level, no noise.
    fn series(years: usize, growth: f64) -> Vec<f64> {
        let shape = [
            0.8, 0.85, 0.95, 1.0, 1.05, 1.2, 1.4, 1.1, 1.0, 0.95, 0.85, 0.85,
        ];
        (0..years * 12)
            .map(|t| 1000.0 * (1.0 + growth).powi(t as i32) * shape[t % 12])
            .collect()
    }

    #[test]
    fn forecasts_a_clean_seasonal_series_closely() {
        let y = series(6, 0.004);
        let (train, test) = y.split_at(5 * 12 + 4);
        let f = auto_ets(train, 12, 8, &EtsModel::all()).unwrap();
        let truth: f64 = test.iter().sum();
        let got: f64 = f.forecast.iter().sum();
        assert!(
            (got - truth).abs() / truth < 0.01,
            "{} {got} {truth}",
            f.model.notation()
        );
        // A seasonal model is chosen on a strongly seasonal series.
        assert_ne!(f.model.season, Kind::None, "{}", f.model.notation());
        assert!(f.compared >= 10);
    }

    #[test]
    fn a_flat_series_is_forecast_flat() {
        let y: Vec<f64> = (0..40)
            .map(|t| 500.0 + if t % 2 == 0 { 3.0 } else { -3.0 })
            .collect();
        let f = auto_ets(&y, 12, 12, &EtsModel::all()).unwrap();
        for v in &f.forecast {
            assert!((v - 500.0).abs() < 10.0, "{v} {}", f.model.notation());
        }
    }

    #[test]
    fn multiplicative_models_need_positive_data() {
        let mut y = series(4, 0.0);
        y[5] = -1.0;
        let m = EtsModel {
            error: Kind::Multiplicative,
            trend: Trend::None,
            season: Kind::Multiplicative,
        };
        assert!(fit(&y, 12, m, 6).is_none());
        let a = EtsModel {
            error: Kind::Additive,
            trend: Trend::None,
            season: Kind::Additive,
        };
        assert!(fit(&y, 12, a, 6).is_some());
    }

    #[test]
    fn the_chosen_models_pick_the_season_by_aicc() {
        // A multiplicative season on a growing level: ETS(M,N,M) explains it better than an
        // additive season, and its forecast of the next eight months is close.
        let y = series(5, 0.004);
        let (train, test) = y.split_at(4 * 12 + 4);
        let f = auto_ets(train, 12, 8, &EtsModel::chosen(true)).unwrap();
        assert_eq!(f.model.notation(), "ETS(M,N,M)");
        assert_eq!(f.compared, 2);
        let truth: f64 = test.iter().sum();
        let got: f64 = f.forecast.iter().sum();
        assert!((got - truth).abs() / truth < 0.02, "{got} {truth}");
        // A constant amplitude (additive season) around a flat level: ETS(M,N,A).
        let add: Vec<f64> = (0..60)
            .map(|t| 1000.0 + if t % 12 == 6 { 400.0 } else { 0.0 } + (t % 5) as f64)
            .collect();
        let f = auto_ets(&add, 12, 6, &EtsModel::chosen(true)).unwrap();
        assert_eq!(f.model.notation(), "ETS(M,N,A)");
        assert_eq!(
            EtsModel::chosen(false)
                .iter()
                .map(|m| m.notation())
                .collect::<Vec<_>>(),
            ["ETS(A,N,A)"]
        );
    }

    #[test]
    fn the_models_are_those_of_forecast_ets() {
        let all = EtsModel::all();
        assert_eq!(all.len(), 15);
        assert!(all.iter().any(|m| m.notation() == "ETS(M,Ad,M)"));
        assert!(!all.iter().any(|m| m.notation() == "ETS(A,N,M)"));
    }
}
