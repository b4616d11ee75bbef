#!/usr/bin/env Rscript
# Reference values for Bellwether's canary judge, computed by R itself.
#
# For each case we call
#   wilcox.test(canary, baseline, conf.int = TRUE, conf.level = 0.98,
#               exact = FALSE, correct = TRUE)
# exactly as the judge's interval is specified, and once more with a tight
# root tolerance (tol.root = 1e-12) so that tests can also check the exact
# jump point of the rank statistic that R's default 1e-4 search approaches.
#
# Regenerate with:  Rscript scripts/r/wilcox-reference.R > test/fixtures/canary/wilcox-reference.json
# R is needed only to regenerate; the tests read the committed JSON.

set.seed(20261122)

num <- function(v) {
  if (length(v) == 0) return("[]")
  s <- ifelse(is.finite(v), sprintf("%.17g", v), "null")
  paste0("[", paste(s, collapse = ","), "]")
}
one <- function(v) if (is.finite(v)) sprintf("%.17g", v) else "null"

cases <- list()
add <- function(name, canary, baseline) {
  cases[[length(cases) + 1]] <<- list(name = name, canary = canary, baseline = baseline)
}

# Continuous, no ties.
add("normal-equal-50", rnorm(50, 100, 10), rnorm(50, 100, 10))
add("normal-shift-50", rnorm(50, 110, 10), rnorm(50, 100, 10))
add("normal-unequal-n", rnorm(37, 5, 2), rnorm(81, 4, 2))
add("lognormal-latency-200", rlnorm(200, log(120), 0.3), rlnorm(200, log(100), 0.3))
add("lognormal-latency-1000", rlnorm(1000, log(100), 0.4), rlnorm(1000, log(100), 0.4))
# Heavy tails.
add("cauchy-40", rcauchy(40, 0, 1), rcauchy(40, 0.5, 1))
add("pareto-heavy-150", 50 * (1 - runif(150))^(-1 / 1.5), 50 * (1 - runif(150))^(-1 / 1.5))
add("lognormal-wide-300", rlnorm(300, 3, 1.5), rlnorm(300, 3.2, 1.5))
# Ties and integer counts.
add("poisson-3-100", rpois(100, 3.6), rpois(100, 3))
add("poisson-3-300", rpois(300, 3), rpois(300, 3))
add("poisson-20-60", rpois(60, 22), rpois(60, 20))
add("rounded-normal-80", round(rnorm(80, 10, 2)), round(rnorm(80, 10.5, 2)))
add("rounded-1dp-120", round(rnorm(120, 1, 0.3), 1), round(rnorm(120, 1, 0.3), 1))
add("binary-rates", rbinom(90, 1, 0.3), rbinom(90, 1, 0.5))
add("binomial-rate-200", rbinom(200, 500, 0.024) / 500, rbinom(200, 500, 0.02) / 500)
# Small samples.
add("small-3-3", c(1.5, 2.7, 3.1), c(0.2, 1.1, 2.0))
add("small-2-2", c(10, 12), c(1, 2))
add("small-5-7", rnorm(5, 1, 1), rnorm(7, 0, 1))
add("small-1-10", c(3), rnorm(10, 0, 1))
add("small-8-8-ties", c(1, 1, 2, 2, 3, 3, 4, 4), c(1, 2, 2, 2, 3, 3, 3, 5))
add("kayenta-doc-4-4", c(10, 20, 30, 40), c(1, 2, 3, 4))
# Zero-heavy and small-valued.
zh <- function(n, p, scale) ifelse(runif(n) < p, 0, rexp(n, 1 / scale))
add("zero-heavy-200", zh(200, 0.8, 0.002), zh(200, 0.85, 0.002))
add("zero-heavy-integer-150", ifelse(runif(150) < 0.9, 0, rpois(150, 2)), ifelse(runif(150) < 0.93, 0, rpois(150, 2)))
add("small-valued-1e-3-100", rnorm(100, 0.0012, 0.0002), rnorm(100, 0.001, 0.0002))
add("small-valued-1e-6-60", rnorm(60, 1.0e-6, 1e-7), rnorm(60, 1.1e-6, 1e-7))
# Constant samples and separated samples.
add("constant-baseline", rnorm(30, 5, 1), rep(5, 30))
add("constant-canary", rep(7, 25), rnorm(40, 6, 1))
add("separated", rnorm(30, 1000, 5), rnorm(30, 10, 5))
add("separated-reverse", rnorm(20, 10, 1), rnorm(25, 50, 1))
# Large scale values.
add("large-scale-1e6", rnorm(150, 2.0e6, 5e4), rnorm(150, 1.98e6, 5e4))
add("negative-values", rnorm(70, -20, 4), rnorm(70, -18, 4))

cat("{\n  \"generator\": \"scripts/r/wilcox-reference.R\",\n")
cat(sprintf("  \"r\": \"%s\",\n", R.version.string))
cat("  \"call\": \"wilcox.test(canary, baseline, conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE)\",\n")
cat("  \"cases\": [\n")
first <- TRUE
for (c in cases) {
  r <- tryCatch(
    suppressWarnings(wilcox.test(c$canary, c$baseline, conf.int = TRUE, conf.level = 0.98, exact = FALSE, correct = TRUE)),
    error = function(e) NULL)
  if (is.null(r)) next
  tight <- suppressWarnings(wilcox.test(c$canary, c$baseline, conf.int = TRUE, conf.level = 0.98,
                                        exact = FALSE, correct = TRUE, tol.root = 1e-12))
  if (!first) cat(",\n")
  first <- FALSE
  cat(sprintf(paste0("    {\"name\": \"%s\", \"canary\": %s, \"baseline\": %s, \"W\": %s, \"pValue\": %s, ",
                     "\"low\": %s, \"high\": %s, \"estimate\": %s, ",
                     "\"tightLow\": %s, \"tightHigh\": %s, \"tightEstimate\": %s}"),
              c$name, num(c$canary), num(c$baseline), one(r$statistic), one(r$p.value),
              one(r$conf.int[1]), one(r$conf.int[2]), one(r$estimate),
              one(tight$conf.int[1]), one(tight$conf.int[2]), one(tight$estimate)))
}
cat("\n  ]\n}\n")
