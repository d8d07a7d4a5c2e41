# MVCGC's optimiser: Adam, learning rate 1e-4, weight decay 1e-5, at a
# constant rate (the paper names no schedule). The config sets max_epochs
# (UCF101: 300 for stage 1, 200 for stage 2). No validation or test loop
# (and so no evaluators): the encoders are evaluated afterwards (linear
# probe, retrieval). The config sets the data set's val / test loaders to
# None too.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-5))
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=300)
val_cfg = None
test_cfg = None
val_evaluator = None
test_evaluator = None
param_scheduler = []
# The paper does not give its batch; 4 GPUs x 32 is ours.
auto_scale_lr = dict(enable=False, base_batch_size=128)
